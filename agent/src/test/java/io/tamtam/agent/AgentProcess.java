package io.tamtam.agent;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A {@code tamtam agent} in a JVM of its own, on loopback with every port chosen by the OS. */
final class AgentProcess implements AutoCloseable {
    final String name;
    final Process process;
    final List<String> stdout = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    volatile String rpc;
    volatile String http;
    volatile String gossip;

    private AgentProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::read, "agent-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** The test JVM's class path (surefire passes it in a manifest-only jar, and names it in this property). */
    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    static List<String> javaCommand(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    static AgentProcess start(String name, Path logDir, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--rpc", "127.0.0.1:0", "--nobanner", "--verbose", "agent",
                "--bind", "127.0.0.1:0", "--http", "127.0.0.1:0", "--name", name, "--profile", "local"));
        args.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(javaCommand(args.toArray(String[]::new)));
        pb.redirectError(logDir.resolve(name + ".err").toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("TAMTAM_"));
        return new AgentProcess(name, pb.start());
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                stdout.add(line);
                String t = line.trim();
                if (t.startsWith("gossip:")) {
                    gossip = t.substring("gossip:".length()).trim();
                } else if (t.startsWith("rpc:")) {
                    rpc = t.substring("rpc:".length()).trim();
                } else if (t.startsWith("http:")) {
                    http = t.substring("http:".length()).trim();
                    started.complete(null);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        started.completeExceptionally(new IllegalStateException("agent " + name + " exited before it started: " + stdout));
    }

    AgentProcess awaitStarted() throws Exception {
        started.get(120, TimeUnit.SECONDS);
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
