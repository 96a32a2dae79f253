package io.tamtam.testkit;

import io.tamtam.MessageType;

import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Measures how TamTam scales on the simulated network, with the LAN timings of {@link ClusterConfig}
 * (probe every 500 ms, gossip every 200 ms). For each node count N it prints one line, then a table:
 *
 * <ul>
 *   <li>convergence: N nodes join through node 0 in waves of 100 (each wave starts when the previous
 *       one's joins completed), until every node sees N alive; virtual time from the first join;</li>
 *   <li>traffic: datagrams plus frames, and bytes, sent per node per virtual second over 60 virtual
 *       seconds of steady state, 30 virtual seconds after the nodes' dissemination queues drained the
 *       joins' news (one item per node left, on average; the report waits at most 2 virtual minutes for
 *       that, and its line says how long the drain took, or that it did not, and how many items were
 *       still queued when the window opened): this must stay flat as N grows;</li>
 *   <li>broadcast: five {@code broadcast}s, from nodes 1 to 5, 2 virtual seconds apart, each until every
 *       other node's handler got it; the median and longest virtual time, and the median in gossip rounds
 *       (that time divided by the gossip interval);</li>
 *   <li>crash detection: the last node crashes; virtual time until every other node declared it DEAD;</li>
 *   <li>wall time and heap in use after convergence.</li>
 * </ul>
 *
 * <p>Before each N it projects the heap from the previous N (membership state grows with N squared across
 * the network) and skips, saying why, an N that clearly would not fit; an out-of-memory error is reported
 * the same way. Run it, with 16 GB of heap, from the project root:
 *
 * <pre>
 * ./mvnw -q -B -pl testkit -am verify -DskipTests -Pscale-report -Dscale.nodes="100 1000 10000" -Dscale.heap=16g
 * </pre>
 *
 * <p>or directly: {@code java -Xmx16g -cp <test class path> io.tamtam.testkit.ScaleReport 100 1000 10000}.
 */
public final class ScaleReport {

    private static final int WAVE = 100;
    private static final Duration STEADY_WINDOW = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** Longest the report waits, in virtual time, for the joins' news to drain before it measures anyway. */
    private static final Duration DRAIN_WAIT = Duration.ofMinutes(2);
    /** Broadcasts measured per row, and the virtual time between them. */
    private static final int BROADCASTS = 5;
    private static final Duration BROADCAST_GAP = Duration.ofSeconds(2);

    private ScaleReport() {
    }

    /** One node count's figures. */
    private record Row(int nodes, long convergeMs, long broadcastMs, long broadcastMaxMs, double rounds, long crashMs,
                       double messagesPerNodeSecond, double bytesPerNodeSecond, double wallSeconds, long heapMb,
                       long drainMs, long queuedAtWindow) {
    }

    /**
     * @param args node counts, such as {@code 100 1000 10000} (the default); an argument may hold several
     *             counts separated by spaces
     */
    public static void main(String[] args) {
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) {
            for (String s : a.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    sizes.add(Integer.parseInt(s));
                }
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(100, 1000, 10_000);
        }
        long maxHeapMb = Runtime.getRuntime().maxMemory() >> 20;
        long baselineMb = usedHeapMb();
        System.out.printf("TamTam scale report: LAN timings, latency 1 ms, no loss, seed = N; heap limit %d MB%n",
                maxHeapMb);
        List<Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Row previous = null;
        for (int n : sizes) {
            if (previous != null) {
                double ratio = (double) n / previous.nodes();
                double projectedMb = baselineMb + Math.max(0, previous.heapMb() - baselineMb) * ratio * ratio;
                if (projectedMb > maxHeapMb * 1.5) {
                    String why = String.format("N=%d skipped: %d nodes used %d MB after convergence, which "
                            + "projects (N squared) to %.0f MB, far beyond the %d MB heap; run with a larger "
                            + "-Dscale.heap", n, previous.nodes(), previous.heapMb(), projectedMb, maxHeapMb);
                    System.out.println(why);
                    notes.add(why);
                    continue;
                }
            }
            try {
                Row r = run(n);
                rows.add(r);
                previous = r;
                System.out.println(line(r));
                System.out.println(json(r));
            } catch (OutOfMemoryError e) {
                String why = "N=" + n + ": out of memory with a " + maxHeapMb + " MB heap (" + e.getMessage() + ")";
                System.out.println(why);
                notes.add(why);
            } catch (RuntimeException | AssertionError e) {
                String why = "N=" + n + ": failed: " + e;
                System.out.println(why);
                notes.add(why);
            }
            System.gc();
        }
        System.out.println();
        System.out.println("     N  converge ms  broadcast ms  rounds  crash->all DEAD ms  msgs/node/s  bytes/node/s"
                + "  wall s  heap MB");
        for (Row r : rows) {
            System.out.printf("%6d  %11d  %12d  %6.1f  %18d  %11.1f  %12.0f  %6.1f  %7d%n", r.nodes(), r.convergeMs(),
                    r.broadcastMs(), r.rounds(), r.crashMs(), r.messagesPerNodeSecond(), r.bytesPerNodeSecond(),
                    r.wallSeconds(), r.heapMb());
        }
        notes.forEach(System.out::println);
    }

    private static String line(Row r) {
        return String.format("N=%d: converged in %d ms, broadcast in %d ms (%.1f rounds; median of %d, longest "
                + "%d ms), crash seen DEAD by all in %d ms, %.1f msgs and %.0f bytes per node per s, %.1f s wall, "
                + "%d MB heap, join news %s, %d items queued when traffic was measured", r.nodes(), r.convergeMs(),
                r.broadcastMs(), r.rounds(), BROADCASTS, r.broadcastMaxMs(), r.crashMs(), r.messagesPerNodeSecond(),
                r.bytesPerNodeSecond(), r.wallSeconds(), r.heapMb(),
                r.drainMs() >= 0 ? "drained " + r.drainMs() + " ms after convergence" : "not drained",
                r.queuedAtWindow());
    }

    /** One JSON object per row, in the form benchmarks/run-workloads prints its results. */
    private static String json(Row r) {
        return String.format(java.util.Locale.ROOT, "{\"workload\":\"scale\",\"n\":%d,\"metric\":\"sim_row\","
                + "\"value\":%d,\"preset\":\"lan\",\"converge_ms\":%d,\"bcast_all_ms\":%d,\"bcast_all_max_ms\":%d,"
                + "\"crash_all_dead_ms\":%d,"
                + "\"msgs_per_node_per_s\":%.1f,\"bytes_per_node_per_s\":%.0f,\"heap_mb\":%d,\"wall_s\":%.1f,"
                + "\"drain_ms\":%d,\"queued_at_window\":%d}",
                r.nodes(), r.nodes(), r.convergeMs(), r.broadcastMs(), r.broadcastMaxMs(), r.crashMs(),
                r.messagesPerNodeSecond(), r.bytesPerNodeSecond(), r.heapMb(), r.wallSeconds(), r.drainMs(),
                r.queuedAtWindow());
    }

    private static Row run(int n) {
        if (n < 3) {
            throw new IllegalArgumentException("a scale run needs at least 3 nodes, was " + n);
        }
        long wallStart = System.nanoTime();
        Consumer<ClusterConfig.Builder> lan = b -> b
                .probeInterval(ClusterConfig.DEFAULT_PROBE_INTERVAL)
                .probeTimeout(ClusterConfig.DEFAULT_PROBE_TIMEOUT)
                .gossipInterval(ClusterConfig.DEFAULT_GOSSIP_INTERVAL)
                .pushPullInterval(ClusterConfig.DEFAULT_PUSH_PULL_INTERVAL)
                .deadNodeRetention(ClusterConfig.DEFAULT_DEAD_NODE_RETENTION);
        try (SimNetwork net = SimNetwork.builder().seed(n).trace(false).build()) {
            List<SimNode> nodes = net.addNodes(n, lan);
            Duration checkEvery = Duration.ofMillis(n >= 5000 ? 100 : 10);

            // convergence: waves of joins through node 0
            Duration start = net.now();
            int[] done = new int[2];
            for (int from = 1; from < n; from += WAVE) {
                int to = Math.min(n, from + WAVE);
                int expected = done[0] + done[1] + (to - from);
                for (SimNode node : nodes.subList(from, to)) {
                    node.cluster().join(nodes.get(0).address()).whenComplete((ok, error) -> done[error == null ? 0 : 1]++);
                }
                check(net.runUntil(() -> done[0] + done[1] == expected, Duration.ofMinutes(2)),
                        "joins of nodes " + from + " to " + (to - 1) + " did not complete in 2 virtual minutes");
                if (n >= 2000 && (to / WAVE) % 10 == 0) {
                    progress(n, to + " of " + n + " joined", wallStart);
                }
            }
            check(done[1] == 0, done[1] + " joins failed");
            check(net.runUntil(net::converged, Duration.ofMinutes(10), checkEvery),
                    "membership did not converge in 10 virtual minutes");
            long convergeMs = net.now().minus(start).toMillis();
            long heapMb = usedHeapMb();
            progress(n, "converged, " + heapMb + " MB heap", wallStart);

            // steady-state traffic, once the join's dissemination has died down: the nodes' queues of
            // membership news down to one item per node on average (at 2,000 nodes and more they still
            // drain 30 s after convergence); at most DRAIN_WAIT, and the row says how long it took or that
            // it did not, and how many items were left when the window opened
            Duration converged = net.now();
            boolean drained = net.runUntil(() -> queued(nodes) <= n, DRAIN_WAIT, Duration.ofSeconds(1));
            long drainMs = drained ? net.now().minus(converged).toMillis() : -1;
            progress(n, (drained ? "queues drained" : "queues still hold " + queued(nodes) + " items") + " at "
                    + net.now().minus(start).toSeconds() + " s virtual", wallStart);
            net.runFor(SETTLE);
            long queuedAtWindow = queued(nodes);
            SimCounters before = net.counters();
            net.runFor(STEADY_WINDOW);
            SimCounters window = net.counters().minus(before);
            progress(n, "steady-state traffic measured", wallStart);
            double perNodeSecond = (double) n * STEADY_WINDOW.toNanos() / 1e9;

            // broadcasts: BROADCASTS of them, from different senders, a few virtual seconds apart; one
            // broadcast's time is that of its last node, which eager push misses in most runs and a gossip
            // round then reaches, so the row gives the median and the longest
            List<BitSet> reached = new ArrayList<>();
            for (int i = 0; i < BROADCASTS; i++) {
                reached.add(new BitSet(n));
            }
            for (SimNode node : nodes) {
                node.cluster().handle(MessageType.of(200, String.class),
                        p -> reached.get(Integer.parseInt(p.payload())).set(node.index()));
            }
            long[] broadcastMs = new long[BROADCASTS];
            for (int i = 0; i < BROADCASTS; i++) {
                SimNode sender = nodes.get(1 + i);
                BitSet r = reached.get(i);
                Duration broadcastStart = net.now();
                sender.cluster().broadcast(MessageType.of(200, String.class), Integer.toString(i));
                check(net.runUntil(() -> r.cardinality() - (r.get(sender.index()) ? 1 : 0) == n - 1,
                        Duration.ofMinutes(2)), "broadcast did not reach every node in 2 virtual minutes: "
                        + r.cardinality());
                broadcastMs[i] = net.now().minus(broadcastStart).toMillis();
                net.runFor(BROADCAST_GAP);
            }
            progress(n, "broadcasts reached every node", wallStart);
            long[] sorted = broadcastMs.clone();
            java.util.Arrays.sort(sorted);
            long broadcastMedian = sorted[BROADCASTS / 2];
            double rounds = (double) broadcastMedian * 1_000_000L / ClusterConfig.DEFAULT_GOSSIP_INTERVAL.toNanos();

            // crash detection
            SimNode victim = nodes.get(n - 1);
            UUID victimId = victim.id();
            BitSet sawDead = new BitSet(n);
            for (SimNode node : nodes) {
                node.cluster().addMembershipListener(e -> {
                    if (e.type() == MembershipEvent.Type.DEAD && e.node().id().equals(victimId)) {
                        sawDead.set(node.index());
                    }
                });
            }
            Duration crashAt = net.now();
            victim.crash();
            check(net.runUntil(() -> sawDead.cardinality() == n - 1, Duration.ofMinutes(5)),
                    "the crash was not seen by every node in 5 virtual minutes: " + sawDead.cardinality());
            long crashMs = net.now().minus(crashAt).toMillis();

            check(net.failures().isEmpty(), "simulated tasks threw: " + net.failures());
            return new Row(n, convergeMs, broadcastMedian, sorted[BROADCASTS - 1], rounds, crashMs,
                    window.messagesSent() / perNodeSecond, window.bytesSent() / perNodeSecond,
                    (System.nanoTime() - wallStart) / 1e9, heapMb, drainMs, queuedAtWindow);
        }
    }

    private static long queued(List<SimNode> nodes) {
        long items = 0;
        for (SimNode node : nodes) {
            items += node.cluster().stats().broadcastQueueItems();
        }
        return items;
    }

    /** A line on the way, so that a long run shows where it is. */
    private static void progress(int n, String what, long wallStart) {
        System.out.printf("N=%d: %s at %.0f s wall%n", n, what, (System.nanoTime() - wallStart) / 1e9);
    }

    private static long usedHeapMb() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
