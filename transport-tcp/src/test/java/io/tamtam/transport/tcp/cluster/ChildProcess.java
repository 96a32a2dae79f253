package io.tamtam.transport.tcp.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A child JVM running a main class of these tests on the test class path, with the lines it printed. */
final class ChildProcess {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("READ FAILED " + e);
            }
        }, "child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param main    the main class
     * @param jvmArgs options of the JVM
     * @param args    the program's arguments
     * @return the running child; stderr goes to this JVM's
     * @throws IOException when the JVM cannot start
     */
    static ChildProcess start(Class<?> main, List<String> jvmArgs, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return new ChildProcess(pb.start());
    }

    /** @return the rest of the first line starting with {@code prefix + " "}, waiting for it at most {@code within} */
    String awaitLine(String prefix, Duration within) {
        String start = prefix + " ";
        await().atMost(within).until(() -> lines.stream().anyMatch(l -> l.startsWith(start)) || !process.isAlive());
        return lines.stream().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("child exited before printing " + prefix + ": " + lines))
                .substring(start.length());
    }

    /** Kills the child (SIGKILL) and waits for it to exit. */
    void destroy() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
