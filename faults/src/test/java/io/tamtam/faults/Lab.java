package io.tamtam.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private network for node processes: one network namespace per host, each with an {@code eth0} on
 * 10.211.0.0/24 joined by a veth pair to a bridge that lives in a namespace of its own, so nothing is
 * created in the root namespace. Impairments are iptables rules inside the host namespaces (random loss
 * with the {@code statistic} match, partitions with DROP) and delay with reordering, from {@code tc netem}
 * when the kernel has it, else from an NFQUEUE program ({@code src/test/c/nfq_delay.c}).
 *
 * <p>Namespace names are {@code ttf-<pid of this JVM>-<random>-<role>}. {@link #close} removes them and
 * every process inside; a shutdown hook does the same if the JVM ends first, and {@link #create} first
 * removes namespaces left by JVMs that no longer run.
 */
final class Lab implements AutoCloseable {

    static final String PREFIX = "ttf-";
    private static final int NFQUEUE_NUMBER = 1;

    private final String name;
    private final int hosts;
    private final List<DelayHelper> delays = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    /** A running NFQUEUE delay program and what it printed. */
    private record DelayHelper(int host, Process process, Path output) { }

    private Lab(String name, int hosts) {
        this.name = name;
        this.hosts = hosts;
        this.shutdownHook = new Thread(this::close, "fault-lab-cleanup");
    }

    /** @return a network of {@code hosts} namespaces on one bridge, addresses {@link #ip}(0..hosts-1) */
    static Lab create(int hosts) {
        removeLeftovers();
        String name = PREFIX + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        Lab lab = new Lab(name, hosts);
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        try {
            String br = lab.bridgeNs();
            Sh.check("ip", "netns", "add", br);
            Sh.check("ip", "-n", br, "link", "add", "br0", "type", "bridge");
            Sh.check("ip", "-n", br, "link", "set", "br0", "up");
            for (int i = 0; i < hosts; i++) {
                String ns = lab.ns(i);
                Sh.check("ip", "netns", "add", ns);
                Sh.check("ip", "link", "add", "name", "eth0", "netns", ns, "type", "veth",
                        "peer", "name", "p" + i, "netns", br);
                Sh.check("ip", "-n", br, "link", "set", "p" + i, "master", "br0");
                Sh.check("ip", "-n", br, "link", "set", "p" + i, "up");
                Sh.check("ip", "-n", ns, "addr", "add", ip(i) + "/24", "dev", "eth0");
                Sh.check("ip", "-n", ns, "link", "set", "eth0", "up");
                Sh.check("ip", "-n", ns, "link", "set", "lo", "up");
            }
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** @return the address of host {@code i} */
    static String ip(int i) {
        return "10.211.0." + (10 + i);
    }

    /** @return the namespace of host {@code i} */
    String ns(int i) {
        return name + "-h" + i;
    }

    private String bridgeNs() {
        return name + "-br";
    }

    /** @return a command that runs {@code command} inside host {@code i}'s namespace */
    List<String> inHost(int i, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(i)));
        full.addAll(command);
        return full;
    }

    private void iptables(int host, String... rule) {
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "5"));
        cmd.addAll(List.of(rule));
        Sh.Result r = Sh.run(inHost(host, cmd));
        if (!r.ok()) {
            throw new IllegalStateException("iptables " + String.join(" ", rule) + " in " + ns(host) + ": " + r.out());
        }
    }

    /** Cuts every packet between each host of {@code side} and each host of {@code other}, both ways. */
    void partition(Collection<Integer> side, Collection<Integer> other) {
        for (int a : side) {
            for (int b : other) {
                iptables(a, "-A", "INPUT", "-i", "eth0", "-s", ip(b), "-j", "DROP");
                iptables(a, "-A", "OUTPUT", "-o", "eth0", "-d", ip(b), "-j", "DROP");
            }
        }
    }

    /** Host {@code host} receives nothing from {@code from}; what it sends still goes out. */
    void dropInbound(int host, Collection<Integer> from) {
        for (int b : from) {
            iptables(host, "-A", "INPUT", "-i", "eth0", "-s", ip(b), "-j", "DROP");
        }
    }

    /**
     * Host {@code host} loses each packet it sends with probability {@code loss} and delays each by
     * {@code delayMs} plus a uniform {@code [0, jitterMs]}, which reorders packets.
     */
    void impair(int host, double loss, int delayMs, int jitterMs) throws IOException {
        if (loss > 0) {
            iptables(host, "-A", "OUTPUT", "-o", "eth0", "-m", "statistic", "--mode", "random",
                    "--probability", String.format(Locale.ROOT, "%.4f", loss), "-j", "DROP");
        }
        if (delayMs <= 0 && jitterMs <= 0) {
            return;
        }
        Path helper = FaultSupport.delayHelper();
        if (helper == null) {
            Sh.check(inHost(host, List.of("tc", "qdisc", "replace", "dev", "eth0", "root", "netem",
                    "delay", delayMs + "ms", jitterMs + "ms")).toArray(String[]::new));
            return;
        }
        Path output = FaultSupport.target().resolve("fault-logs").resolve("nfq-delay-h" + host + ".out");
        Process p = Sh.start(inHost(host, List.of(helper.toString(),
                Integer.toString(NFQUEUE_NUMBER), Integer.toString(delayMs), Integer.toString(jitterMs))), output);
        delays.add(new DelayHelper(host, p, output));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> Sh.lines(output).contains("READY " + NFQUEUE_NUMBER) || !p.isAlive());
        if (!p.isAlive()) {
            throw new IllegalStateException("the NFQUEUE delay helper ended: " + Sh.lines(output));
        }
        // --queue-bypass: were the helper gone, packets would pass rather than be dropped
        iptables(host, "-A", "OUTPUT", "-o", "eth0", "-j", "NFQUEUE", "--queue-num",
                Integer.toString(NFQUEUE_NUMBER), "--queue-bypass");
    }

    /**
     * Removes every impairment. For each NFQUEUE delay helper that ran, returns its host and the number
     * of packets it held and released, so a test can check that delay really applied.
     *
     * @return one {@code host=<i> queued=<n> accepted=<n>} entry per helper
     */
    List<String> heal() {
        for (int i = 0; i < hosts; i++) {
            Sh.run(inHost(i, List.of("iptables", "-w", "5", "-F")));
            Sh.run(inHost(i, List.of("tc", "qdisc", "del", "dev", "eth0", "root")));
        }
        List<String> stats = new ArrayList<>();
        for (DelayHelper d : delays) {
            d.process().destroy();
            try {
                if (!d.process().waitFor(10, TimeUnit.SECONDS)) {
                    d.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<String> lines = Sh.lines(d.output());
            String last = lines.stream().filter(l -> l.startsWith("STATS ")).reduce((a, b) -> b).orElse(null);
            if (last == null) {
                stats.add("host=" + d.host() + " queued=? exit=" + (d.process().isAlive() ? "running" : d.process().exitValue())
                        + " printed=" + lines);
            } else {
                String[] w = last.split(" ");
                stats.add("host=" + d.host() + " queued=" + w[1] + " accepted=" + w[2]);
            }
        }
        delays.clear();
        return stats;
    }

    /** Kills every process in this lab's namespaces and deletes them. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DelayHelper d : delays) {
            d.process().destroyForcibly();
        }
        for (int i = 0; i < hosts; i++) {
            deleteNamespace(ns(i));
        }
        deleteNamespace(bridgeNs());
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
        }
    }

    private static void deleteNamespace(String ns) {
        Sh.Result pids = Sh.run("ip", "netns", "pids", ns);
        if (pids.ok()) {
            for (String pid : pids.out().trim().split("\\s+")) {
                if (!pid.isEmpty()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        Sh.run("ip", "netns", "del", ns);
    }

    /** Removes namespaces with this suite's prefix whose JVM no longer runs. */
    static void removeLeftovers() {
        Sh.Result list = Sh.run("ip", "netns", "list");
        if (!list.ok()) {
            return;
        }
        for (String line : list.out().split("\n")) {
            String ns = line.trim().split(" ")[0];
            if (!ns.startsWith(PREFIX)) {
                continue;
            }
            String[] parts = ns.split("-");
            long owner;
            try {
                owner = Long.parseLong(parts[1]);
            } catch (RuntimeException e) {
                continue;
            }
            if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            deleteNamespace(ns);
        }
    }

    /** @return whether {@code tc netem} works in this kernel (it is tried in a scratch namespace) */
    static boolean netemAvailable() {
        String scratch = PREFIX + ProcessHandle.current().pid() + "-netem";
        if (!Sh.run("ip", "netns", "add", scratch).ok()) {
            return false;
        }
        try {
            Sh.run("ip", "-n", scratch, "link", "set", "lo", "up");
            return Sh.run("ip", "netns", "exec", scratch, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms").ok();
        } finally {
            Sh.run("ip", "netns", "del", scratch);
        }
    }
}
