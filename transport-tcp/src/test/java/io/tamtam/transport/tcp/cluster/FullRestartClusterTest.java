package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full outage: every node of a 10-node cluster stops at once, then restarts at the same address in a
 * JVM of its own, without any seed; each rejoins through the members its snapshot file lists, and the cluster
 * reassembles.
 */
class FullRestartClusterTest {

    private static final int NODES = 10;
    private static final Duration WITHIN = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private static int port(ChildProcess child) {
        return Integer.parseInt(child.awaitLine("PORT", WITHIN));
    }

    /** @return the live count the child printed last, 0 before any */
    private static int live(ChildProcess child) {
        int last = 0;
        for (String l : child.lines) {
            if (l.startsWith("LIVE ")) {
                last = Integer.parseInt(l.substring(5));
            }
        }
        return last;
    }

    private final List<ChildProcess> children = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() {
        for (ChildProcess c : children) {
            c.destroy();
        }
    }

    private ChildProcess start(int port, int seedPort, Path snapshot) throws IOException {
        ChildProcess child = ChildProcess.start(RestartNodeMain.class,
                List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                Integer.toString(port), Integer.toString(seedPort), snapshot.toString());
        children.add(child);
        return child;
    }

    private static long snapshotMembers(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        return Files.readAllLines(file).stream().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    }

    @Test
    void aTenNodeClusterKilledAtOnceReassemblesFromItsSnapshotsWithoutSeeds() throws Exception {
        List<Path> snapshots = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            snapshots.add(dir.resolve("node-" + i + ".snapshot"));
        }
        // The cluster as it ran before the outage: in this JVM, to spare the machine ten JVM starts.
        List<Integer> ports = new ArrayList<>();
        try (Nodes before = new Nodes()) {
            List<Cluster> first = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                first.add(before.start(ClusterConfig.local().bindAddress(new InetSocketAddress("127.0.0.1", 0))
                        .snapshotFile(snapshots.get(i))));
                ports.add(first.get(i).localNode().address().getPort());
            }
            for (int i = 1; i < NODES; i++) {
                Nodes.join(first.get(i), first.get(0));
            }
            await().atMost(WITHIN).untilAsserted(() -> {
                for (int i = 0; i < NODES; i++) {
                    assertEquals(NODES, first.get(i).liveMembers().size(), "node " + i + " sees all");
                    assertEquals(NODES - 1, snapshotMembers(snapshots.get(i)), "node " + i + " wrote every other member");
                }
            });
        } // every node stops at once, without leaving: a full outage

        long restartedAt = System.nanoTime();
        List<ChildProcess> second = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            second.add(start(ports.get(i), 0, snapshots.get(i)));
        }
        for (int i = 0; i < NODES; i++) {
            assertEquals((int) ports.get(i), port(second.get(i)), "restarted at the same address");
        }
        long boundAt = System.nanoTime();
        await().atMost(WITHIN).untilAsserted(() -> {
            for (int i = 0; i < NODES; i++) {
                assertEquals(NODES, live(second.get(i)), "restarted node " + i + " sees all: " + second.get(i).lines);
            }
        });
        long wholeAt = System.nanoTime();
        System.out.printf("full restart of %d nodes: whole %d ms after the restarts began, %d ms after the last "
                        + "node bound its port%n", NODES, (wholeAt - restartedAt) / 1_000_000,
                (wholeAt - boundAt) / 1_000_000);
        for (ChildProcess c : second) {
            assertTrue(c.process.isAlive(), "still running");
        }
    }
}
