package io.tamtam.benchmarks.workloads;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.ClusterRuntime;
import io.tamtam.MessageType;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * W6: many real nodes (UDP and TCP sockets on 127.0.0.1) in one JVM, sharing one {@link ClusterRuntime}.
 * All but node 0 join node 0 at once; the time until every node sees all alive, then broadcasts from
 * node 1 until every other node's handler got each, right after convergence ({@code bcast_all_ms}) and
 * again each once no node has anything left to gossip ({@code bcast_settled_ms}), heap per node after
 * collection, and threads per node. A smaller cluster (250 nodes, {@code W6_WARMUP_N}; 0 skips it) runs the same
 * steps first, unreported, six times, so that the measured run meets compiled code.
 * {@code threads} measures the threads one node owns with the default configuration (no runtime).
 */
final class ScaleOut {
    private static final MessageType<byte[]> TYPE = MessageType.of(201, byte[].class);
    private static final int BROADCASTS = 5;
    private static final boolean TRACE = "1".equals(System.getenv("W6_TRACE"));

    private ScaleOut() {
    }

    /**
     * @param n how many nodes
     * @throws Exception when the nodes do not converge or a broadcast does not arrive
     */
    static void run(int n) throws Exception {
        int warm = Math.min(n, Integer.parseInt(System.getenv().getOrDefault("W6_WARMUP_N", "250")));
        if (warm > 1) {
            warmUp(warm);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long heapBase = Probes.usedHeapAfterGc();
        int threadBase = threads.getThreadCount();
        int fdBase = Probes.openFds();
        try (ClusterRuntime runtime = ClusterRuntime.create()) {
            Map<String, Object> config = new LinkedHashMap<>();
            boolean shared = !"own".equals(System.getenv("W6_RUNTIME"));
            config.put("runtime", shared ? "shared" : "own");
            config.put("gc", Probes.gcName());
            config.put("runtime_threads", shared ? runtime.threads() : 0);
            // All nodes share 127.0.0.1 and all join node 0 at once: the per-IP connection limit (256 by
            // default, meant against one hostile host) would refuse most of the joins, so it is raised here.
            int connections = Math.max(ClusterConfig.DEFAULT_MAX_INBOUND_CONNECTIONS, 2 * n);
            config.put("max_inbound_connections_per_ip", connections);
            UnaryOperator<ClusterConfig.Builder> tune = b -> (shared ? b.runtime(runtime) : b)
                    .maxInboundConnections(connections).maxInboundConnectionsPerIp(connections);
            List<Cluster> nodes = Nodes.start(n, tune);
            try {
                long t0 = System.nanoTime();
                List<CompletableFuture<?>> joins = Nodes.joinAll(nodes);
                long t1;
                try {
                    t1 = Nodes.awaitConverged(nodes, Duration.ofSeconds(120));
                } catch (TimeoutException e) {
                    Map<String, Object> missed = new LinkedHashMap<>(config);
                    missed.put("converged", false);
                    missed.put("waited_s", 120);
                    Results.emit("W6", n, "converge_ms", -1, missed);
                    throw e;
                }
                Results.emit("W6", n, "converge_ms", (t1 - t0) / 1e6, config);
                Results.log("W6 n=" + n + " converged in " + (t1 - t0) / 1_000_000 + " ms; " + drops(nodes));
                joinsFailed(joins, n, config);
                int watch = Integer.parseInt(System.getenv().getOrDefault("W6_WATCH_S", "0"));
                for (int w = 0; w < watch; w += 2) {
                    Thread.sleep(2000);
                    Results.log("W6 watch " + (w + 2) + " s: " + drops(nodes));
                }

                double[] ms = new double[BROADCASTS];
                for (int k = 0; k < BROADCASTS; k++) {
                    ms[k] = broadcast(nodes, k);
                    Results.log("W6 broadcast " + k + ": " + ms[k] + " ms; " + drops(nodes));
                }
                Map<String, Object> bc = new LinkedHashMap<>(config);
                bc.put("broadcasts", BROADCASTS);
                bc.put("max", Stats.max(ms));
                Results.emit("W6", n, "bcast_all_ms", Stats.median(ms), bc);

                // The same again once the join news and the broadcasts before have been gossiped out: a
                // broadcast in a settled cluster, each after the queues emptied (or 30 s).
                double[] settled = new double[BROADCASTS];
                double firstWait = 0;
                boolean allDrained = true;
                for (int k = 0; k < BROADCASTS; k++) {
                    long w0 = System.nanoTime();
                    allDrained &= drained(nodes, Duration.ofSeconds(30));
                    if (k == 0) {
                        firstWait = (System.nanoTime() - w0) / 1e9;
                    }
                    settled[k] = broadcast(nodes, BROADCASTS + k);
                    Results.log("W6 broadcast " + (BROADCASTS + k) + " (settled): " + settled[k] + " ms; " + drops(nodes));
                }
                Map<String, Object> sc = new LinkedHashMap<>(config);
                sc.put("broadcasts", BROADCASTS);
                sc.put("max", Stats.max(settled));
                sc.put("first_settle_s", Math.round(firstWait * 10) / 10.0);
                sc.put("drained", allDrained);
                Results.emit("W6", n, "bcast_settled_ms", Stats.median(settled), sc);

                long heap = Probes.usedHeapAfterGc() - heapBase;
                Results.emit("W6", n, "heap_mb_per_node", heap / (double) n / (1024 * 1024), config);
                Results.emit("W6", n, "threads_per_node", (threads.getThreadCount() - threadBase) / (double) n, config);
                Results.emit("W6", n, "fds_per_node", (Probes.openFds() - fdBase) / (double) n, config);
                traffic(nodes, n, config);
            } finally {
                Nodes.closeAll(nodes);
            }
        }
    }

    /** Warm-up rounds: on the 2-core machine the JIT still compiled about a second per round after the fifth. */
    private static final int WARMUP_ROUNDS = 6;

    /**
     * Warms the JIT up on what the measured run does, not reported: {@link #WARMUP_ROUNDS} times, a smaller
     * cluster joins at once, converges, carries {@code 4 * BROADCASTS} broadcasts, and closes. With one
     * round the JIT's compiler threads took a third of the machine during the measured run.
     *
     * @param n how many nodes
     */
    private static void warmUp(int n) throws Exception {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        for (int round = 1; round <= WARMUP_ROUNDS; round++) {
            long t0 = System.nanoTime();
            long compiled0 = timed ? jit.getTotalCompilationTime() : 0;
            warmUpRound(n);
            Results.log("W6 warm-up round " + round + " with " + n + " nodes (not reported): " + (System.nanoTime() - t0) / 1_000_000
                    + " ms" + (timed ? ", the JIT compiled for " + (jit.getTotalCompilationTime() - compiled0) + " ms" : ""));
        }
    }

    private static void warmUpRound(int n) throws Exception {
        try (ClusterRuntime runtime = ClusterRuntime.create()) {
            int connections = Math.max(ClusterConfig.DEFAULT_MAX_INBOUND_CONNECTIONS, 2 * n);
            List<Cluster> nodes = Nodes.start(n, b -> b.runtime(runtime)
                    .maxInboundConnections(connections).maxInboundConnectionsPerIp(connections));
            try {
                Nodes.joinAll(nodes);
                Nodes.awaitConverged(nodes, Duration.ofSeconds(60));
                for (int k = 0; k < 4 * BROADCASTS; k++) {
                    broadcast(nodes, 100 + k);
                }
            } finally {
                Nodes.closeAll(nodes);
            }
        }
    }

    /** Bytes and packets sent per node per second over 10 s of steady state. */
    private static void traffic(List<Cluster> nodes, int n, Map<String, Object> config) throws InterruptedException {
        long[] before = sent(nodes);
        long t0 = System.nanoTime();
        Thread.sleep(10_000);
        long[] after = sent(nodes);
        double s = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> extra = new LinkedHashMap<>(config);
        extra.put("window_s", 10);
        Results.emit("W6", n, "bytes_per_node_per_s", (after[0] - before[0]) / s / n, extra);
        Results.emit("W6", n, "packets_per_node_per_s", (after[1] - before[1]) / s / n, extra);
    }

    /** @return the nodes' drops by reason and the kernel's UDP receive buffer errors, for a log line */
    static String drops(List<Cluster> nodes) {
        Map<io.tamtam.DropReason, Long> sum = new java.util.EnumMap<>(io.tamtam.DropReason.class);
        for (Cluster c : nodes) {
            for (io.tamtam.DropReason r : io.tamtam.DropReason.values()) {
                long v = c.stats().dropped(r);
                if (v > 0) {
                    sum.merge(r, v, Long::sum);
                }
            }
        }
        Map<Integer, Long> sentKinds = new java.util.TreeMap<>();
        Map<Integer, Long> receivedKinds = new java.util.TreeMap<>();
        long suspicions = 0;
        long late = 0;
        long dgSent = 0;
        long dgReceived = 0;
        for (Cluster c : nodes) {
            dgSent += c.stats().packetsSent(io.tamtam.ClusterStats.Path.DATAGRAM);
            dgReceived += c.stats().packetsReceived(io.tamtam.ClusterStats.Path.DATAGRAM);
            c.stats().messagesSentByType().forEach((k, v) -> sentKinds.merge(k, v, Long::sum));
            c.stats().messagesReceivedByType().forEach((k, v) -> receivedKinds.merge(k, v, Long::sum));
            suspicions += c.stats().suspicionsRaised();
            late += c.stats().probesLate();
        }
        long relayed = 0;
        long queued = 0;
        long maxQueued = 0;
        long maxBacklog = 0;
        for (Cluster c : nodes) {
            relayed += c.stats().broadcastsRelayed();
            queued += c.stats().broadcastQueueItems();
            maxQueued = Math.max(maxQueued, c.stats().broadcastQueueItems());
            maxBacklog = Math.max(maxBacklog, c.stats().protocolBacklog());
        }
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (Cluster c : nodes) {
            ports.add(c.localNode().address().getPort());
        }
        long[] sockets = Probes.udpSocketQueues(ports);
        return "drops " + sum + ", kernel UDP receive buffer errors so far " + Probes.udpReceiveBufferErrors()
                + "; the nodes' " + sockets[2] + " UDP sockets hold " + sockets[0] + " bytes unread and dropped "
                + sockets[1] + " datagrams"
                + "; broadcasts relayed " + relayed + ", dissemination items queued " + queued + " (most at a node "
                + maxQueued + "), largest protocol backlog " + maxBacklog
                + "; datagrams sent " + dgSent + ", received " + dgReceived + "; suspicions raised " + suspicions + ", probes checked late " + late + "; messages sent by kind " + sentKinds + ", received " + receivedKinds;
    }

    /** Waits until no node has anything queued to gossip, polling every 50 ms; @return false when the wait ran out */
    private static boolean drained(List<Cluster> nodes, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            long queued = 0;
            for (Cluster c : nodes) {
                queued += c.stats().broadcastQueueItems();
            }
            if (queued == 0) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static int received(List<Cluster> nodes) {
        int count = 0;
        for (Cluster c : nodes) {
            if (c.stats().messagesReceived(TYPE.id()) > 0) {
                count++;
            }
        }
        return count;
    }

    private static long[] sent(List<Cluster> nodes) {
        long bytes = 0;
        long packets = 0;
        for (Cluster c : nodes) {
            for (io.tamtam.ClusterStats.Path p : io.tamtam.ClusterStats.Path.values()) {
                bytes += c.stats().bytesSent(p);
                packets += c.stats().packetsSent(p);
            }
        }
        return new long[] {bytes, packets};
    }

    private static double broadcast(List<Cluster> nodes, int k) throws InterruptedException, TimeoutException {
        int n = nodes.size();
        CountDownLatch all = new CountDownLatch(n - 1);
        long[] arrived = new long[n];
        List<io.tamtam.Subscription> subs = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (i != 1) {
                int node = i;
                subs.add(nodes.get(i).handle(TYPE, p -> {
                    if (p.payload()[0] == (byte) k && arrived[node] == 0) {
                        arrived[node] = System.nanoTime();
                        all.countDown();
                    }
                }));
            }
        }
        try {
            byte[] payload = new byte[100];
            payload[0] = (byte) k;
            long[] before = new long[n];
            for (int i = 0; i < n; i++) {
                before[i] = nodes.get(i).stats().messagesReceived(TYPE.id());
            }
            long t0 = System.nanoTime();
            nodes.get(1).broadcast(TYPE, payload);
            // With W6_TRACE=1: when every node's protocol thread had counted it received, next to when every
            // handler ran (the polling costs CPU the nodes then do not get, so it is off by default).
            long counted = -1;
            for (int from = TRACE ? 0 : n; counted < 0 && System.nanoTime() - t0 < 30_000_000_000L; ) {
                while (from < n && (from == 1 || nodes.get(from).stats().messagesReceived(TYPE.id()) > before[from])) {
                    from++;
                }
                if (from == n) {
                    counted = System.nanoTime() - t0;
                } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }
            if (!all.await(30, TimeUnit.SECONDS)) {
                throw new TimeoutException("W6 broadcast " + k + " reached " + (n - 1 - all.getCount()) + " of "
                        + (n - 1) + " in 30 s; " + received(nodes) + " nodes counted a message of type " + TYPE.id()
                        + " received; " + drops(nodes));
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            Results.log("W6 broadcast " + k + (TRACE ? " counted received by every node at "
                    + String.format("%.0f", counted / 1e6) + " ms;" : "") + " handlers ran: " + arrivals(arrived, t0));
            return ms;
        } finally {
            subs.forEach(io.tamtam.Subscription::close);
        }
    }

    /** @return when the nodes' handlers got a broadcast sent at t0: percentiles, and the last three nodes */
    private static String arrivals(long[] arrived, long t0) {
        List<long[]> at = new java.util.ArrayList<>();
        for (int i = 0; i < arrived.length; i++) {
            if (arrived[i] != 0) {
                at.add(new long[] {arrived[i] - t0, i});
            }
        }
        at.sort(java.util.Comparator.comparingLong(a -> a[0]));
        int m = at.size();
        java.util.function.IntFunction<String> ms = q -> String.format("%.0f", at.get(Math.min(m - 1, q * m / 100))[0] / 1e6);
        StringBuilder last = new StringBuilder();
        for (int j = Math.max(0, m - 3); j < m; j++) {
            last.append(j > Math.max(0, m - 3) ? ", " : "").append("node ").append(at.get(j)[1])
                    .append(String.format(" at %.0f ms", at.get(j)[0] / 1e6));
        }
        return "p50 " + ms.apply(50) + " ms, p90 " + ms.apply(90) + " ms, p99 " + ms.apply(99) + " ms, last: " + last;
    }

    /**
     * Waits for every join to settle and reports how many failed: a node whose join through the seed
     * timed out can still have become a member through the seed's follow-up push and gossip, and every
     * node did by now (the cluster converged).
     */
    private static void joinsFailed(List<CompletableFuture<?>> joins, int n, Map<String, Object> config)
            throws InterruptedException {
        int failed = 0;
        String first = null;
        for (CompletableFuture<?> j : joins) {
            try {
                j.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                failed++;
                if (first == null) {
                    first = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e);
                }
            }
        }
        Results.emit("W6", n, "joins_failed", failed, config);
        if (failed > 0) {
            Results.log("W6 " + failed + " of " + joins.size() + " join calls failed although the cluster converged; first: " + first);
        }
    }

    /**
     * Threads per node with the default configuration: n nodes join, converge, each broadcasts once and
     * every handler hears every broadcast, then the JVM's thread count against the count before.
     *
     * @param n how many nodes
     * @throws Exception when the nodes do not converge
     */
    static void threads(int n) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int base = threads.getThreadCount();
        List<Cluster> nodes = Nodes.converged(n);
        try {
            CountDownLatch heard = new CountDownLatch(n * (n - 1));
            for (Cluster c : nodes) {
                c.handle(TYPE, p -> heard.countDown());
            }
            for (Cluster c : nodes) {
                c.broadcast(TYPE, new byte[8]);
            }
            if (!heard.await(60, TimeUnit.SECONDS)) {
                Results.log("threads: " + heard.getCount() + " deliveries missing after 60 s");
            }
            int peak = threads.getThreadCount();
            Results.emit("threads", n, "threads_per_node", (peak - base) / (double) n,
                    Map.of("runtime", "default"));
        } finally {
            Nodes.closeAll(nodes);
        }
    }
}
