package io.tamtam.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can run the fault suite (Linux, root, {@code ip netns}, iptables, gcc with
 * libnetfilter_queue or {@code tc netem}), and where its build outputs and report go.
 *
 * <p>When it cannot, each test is skipped with the reason, printed loudly; when
 * {@code TAMTAM_FAULTS_REQUIRED=1} (set by {@code .ci/run}) or {@code -Dtamtam.faults.required=true},
 * not being able to run is a failure.
 */
final class FaultSupport {

    private static volatile String unavailable;
    private static boolean checked;
    private static Path delayHelper;

    private FaultSupport() {
    }

    /** @return the module's target directory */
    static Path target() {
        return Path.of(System.getProperty("tamtam.faults.target", "target"));
    }

    static boolean required() {
        String env = System.getenv("TAMTAM_FAULTS_REQUIRED");
        return "1".equals(env) || "true".equalsIgnoreCase(env)
                || Boolean.parseBoolean(System.getProperty("tamtam.faults.required"));
    }

    /** @return whether this machine can run the suite; prints why not, once, when it cannot */
    static synchronized boolean canRun() {
        if (!checked) {
            checked = true;
            unavailable = findMissing();
            if (unavailable != null) {
                String banner = "\n**********************************************************************\n"
                        + "** FAULT SUITE NOT RUN: " + unavailable + "\n"
                        + "** It needs Linux, root, iproute2 (ip netns), iptables and gcc with\n"
                        + "** libnetfilter-queue-dev (.ci/run installs them). Set TAMTAM_FAULTS_REQUIRED=1\n"
                        + "** to make this a failure.\n"
                        + "**********************************************************************\n";
                System.err.println(banner);
            }
        }
        return unavailable == null;
    }

    /** Skips the calling test (or fails it when the suite is required) unless the suite can run here. */
    static void requireOrSkip() {
        if (!canRun()) {
            if (required()) {
                Assertions.fail("the fault suite is required (TAMTAM_FAULTS_REQUIRED) but cannot run: " + unavailable);
            }
            Assumptions.abort("fault suite not run: " + unavailable);
        }
    }

    /** @return the compiled NFQUEUE delay program, or null when delay comes from tc netem */
    static synchronized Path delayHelper() {
        return delayHelper;
    }

    private static String findMissing() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return "not Linux (" + System.getProperty("os.name") + ")";
        }
        try {
            boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
            if (!root) {
                return "not running as root (network namespaces and iptables need it)";
            }
        } catch (IOException e) {
            return "cannot read /proc/self/status: " + e;
        }
        Sh.Result ip = Sh.run("ip", "netns", "list");
        if (!ip.ok()) {
            return "`ip netns list` failed: " + ip.out().trim();
        }
        Sh.Result iptables = Sh.run("iptables", "--version");
        if (!iptables.ok()) {
            return "iptables is missing: " + iptables.out().trim();
        }
        if (Lab.netemAvailable()) {
            return null;
        }
        Path source = Path.of(System.getProperty("tamtam.faults.csrc", "src/test/c"), "nfq_delay.c");
        Path binary = target().resolve("nfq_delay");
        Sh.Result gcc = Sh.run("gcc", "-O2", "-Wall", "-Werror", "-o", binary.toString(), source.toString(), "-lnetfilter_queue");
        if (!gcc.ok()) {
            return "no tc netem in this kernel and the NFQUEUE delay helper does not compile: " + gcc.out().trim();
        }
        delayHelper = binary;
        return null;
    }

    /** Prints a measured figure and appends it to target/fault-report.txt. */
    static synchronized void report(String scenario, String figures) {
        String line = "[fault suite] " + scenario + ": " + figures;
        System.out.println(line);
        try {
            Files.writeString(target().resolve("fault-report.txt"), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("[fault suite] cannot write the report file: " + e);
        }
    }
}
