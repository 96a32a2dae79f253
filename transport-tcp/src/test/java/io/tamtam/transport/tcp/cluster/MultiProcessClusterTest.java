package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Node;
import io.tamtam.NodeState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three nodes in three JVMs: membership, metadata and the detection of a killed process. */
class MultiProcessClusterTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);

    /** A child JVM running {@link ChildNodeMain}, with the lines it printed. */
    private static final class Child {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();

        Child(Process process) {
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

        /** @return the rest of the first line starting with {@code prefix + " "}, waiting for it */
        String awaitLine(String prefix) {
            String start = prefix + " ";
            await().atMost(STARTUP).until(() -> lines.stream().anyMatch(l -> l.startsWith(start)) || !process.isAlive());
            return lines.stream().filter(l -> l.startsWith(start)).findFirst()
                    .orElseThrow(() -> new AssertionError("child exited with " + process.exitValue() + " after " + lines))
                    .substring(start.length());
        }

        void destroy() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final Nodes nodes = new Nodes();
    private final List<Child> children = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() {
        for (Child c : children) {
            c.destroy();
        }
        nodes.close();
    }

    private Child startChild(int seedPort, String metadata) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ChildNodeMain.class.getName(), Integer.toString(seedPort), metadata);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Child child = new Child(pb.start());
        children.add(child);
        return child;
    }

    @Test
    void threeProcessesClusterShareMetadataAndDetectAKill() throws Exception {
        Child first = startChild(0, "first");
        int firstPort = Integer.parseInt(first.awaitLine("PORT"));
        UUID firstId = UUID.fromString(first.awaitLine("ID"));
        Child second = startChild(firstPort, "second");
        UUID secondId = UUID.fromString(second.awaitLine("ID"));

        Cluster local = nodes.start(ClusterConfig.local());
        local.join(new InetSocketAddress("127.0.0.1", firstPort)).get(20, TimeUnit.SECONDS);

        await().atMost(STARTUP).untilAsserted(() -> {
            assertEquals(3, local.liveMembers().size(), () -> "members " + local.liveMembers());
            assertEquals("first", local.member(firstId).map(Node::metadata).orElseThrow().get("process"));
            assertEquals("second", local.member(secondId).map(Node::metadata).orElseThrow().get("process"));
            assertTrue(first.lines.contains("MEMBERS 3"), () -> "first child printed " + first.lines);
            assertTrue(second.lines.contains("MEMBERS 3"), () -> "second child printed " + second.lines);
        });

        second.destroy();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(NodeState.DEAD, Nodes.stateOf(local, local.member(secondId).orElseThrow()));
            assertTrue(first.lines.contains("DEAD " + secondId), () -> "first child printed " + first.lines);
        });
        assertTrue(first.process.isAlive(), "the surviving child is still running");
    }
}
