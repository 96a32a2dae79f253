package io.tamtam.examples;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A full outage and the automatic rejoin: five nodes on loopback, each keeping a snapshot file of its
 * members, all stop at once; five new nodes start at the same addresses with the same snapshot files and
 * no seeds, and the cluster reassembles by itself. Prints how long that took. Finishes in seconds.
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=SnapshotRejoin
 * </pre>
 */
public final class SnapshotRejoin {

    private static final int NODES = 5;
    private static final long WITHIN_NANOS = Duration.ofSeconds(60).toNanos();

    private SnapshotRejoin() {
    }

    /**
     * Runs the example.
     *
     * @param out where to print
     * @return milliseconds from the restart until every new node saw all five alive
     * @throws Exception when a node cannot start, or the cluster does not form or reassemble within 60 s
     */
    public static long run(PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("tamtam-snapshots");
        try {
            List<InetSocketAddress> addresses = new ArrayList<>();
            List<Cluster> before = start(dir, null, addresses);
            try {
                for (Cluster c : before.subList(1, NODES)) {
                    c.join(before.get(0).localNode().address()).get(10, TimeUnit.SECONDS);
                }
                waitUntil(() -> before.stream().allMatch(c -> c.liveMembers().size() == NODES)
                        && snapshotsFull(dir), "the cluster to form and write its snapshots");
                out.println(NODES + " nodes running; snapshot of node 0:");
                Files.readAllLines(dir.resolve("node-0")).forEach(l -> out.println("  " + l));
            } finally {
                before.forEach(Cluster::close);   // all at once, without leaving: an outage
            }
            long restart = System.nanoTime();
            List<Cluster> after = start(dir, addresses, null);
            try {
                waitUntil(() -> after.stream().allMatch(c -> c.liveMembers().size() == NODES), "the cluster to reassemble");
                long ms = (System.nanoTime() - restart) / 1_000_000;
                out.println("restarted without seeds: whole again after " + ms + " ms");
                return ms;
            } finally {
                after.forEach(Cluster::close);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Starts the nodes: at the given addresses, or on free ports recorded into {@code bound}. */
    private static List<Cluster> start(Path dir, List<InetSocketAddress> at, List<InetSocketAddress> bound) throws Exception {
        List<Cluster> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            // tag::snapshot[]
            ClusterConfig config = ClusterConfig.local()
                    .bindAddress(at != null ? at.get(i) : new InetSocketAddress("127.0.0.1", 0))
                    .snapshotFile(dir.resolve("node-" + i))       // rejoins through it when started again
                    .build();
            // end::snapshot[]
            Cluster c = Cluster.create(config);
            nodes.add(c);
            if (bound != null) {
                bound.add(c.localNode().address());
            }
        }
        return nodes;
    }

    private static boolean snapshotsFull(Path dir) {
        for (int i = 0; i < NODES; i++) {
            try {
                Path p = dir.resolve("node-" + i);
                if (!Files.exists(p) || Files.readAllLines(p).stream().filter(l -> !l.startsWith("#")).count() < NODES - 1) {
                    return false;
                }
            } catch (java.io.IOException e) {
                return false;
            }
        }
        return true;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WITHIN_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** @param args none */
    public static void main(String[] args) throws Exception {
        run(new PrintStream(System.out, true, StandardCharsets.UTF_8));
    }
}
