package io.tamtam.benchmarks.workloads;

import io.tamtam.Cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * W1: N nodes with the LAN preset all join node 0 at once; time until every node sees N alive, heap
 * and file descriptors per node.
 */
final class JoinConvergence {
    private static final int[] SIZES = {16, 64, 128};

    private JoinConvergence() {
    }

    /**
     * @param runs how many runs per size
     * @throws TimeoutException when a run does not converge within a minute
     */
    static void run(int runs) throws TimeoutException {
        for (int n : SIZES) {
            double maxMs = 0;
            for (int r = 1; r <= runs; r++) {
                maxMs = Math.max(maxMs, once(n, r));
            }
            if (runs > 1) {
                Results.emit("W1", n, "converge_ms_max", maxMs, Map.of("runs", runs));
            }
        }
    }

    private static double once(int n, int run) throws TimeoutException {
        long heapBase = Probes.usedHeapAfterGc();
        int fdBase = Probes.openFds();
        List<Cluster> nodes = Nodes.start(n);
        try {
            long t0 = System.nanoTime();
            Nodes.joinAll(nodes);
            long t1 = Nodes.awaitConverged(nodes, Duration.ofSeconds(60));
            double ms = (t1 - t0) / 1e6;
            Results.emit("W1", n, "converge_ms", ms, Map.of("run", run));
            double heapMb = (Probes.usedHeapAfterGc() - heapBase) / (double) n / (1024 * 1024);
            Results.emit("W1", n, "heap_mb_per_node", heapMb, Map.of("run", run));
            double fds = (Probes.openFds() - fdBase) / (double) n;
            Results.emit("W1", n, "fds_per_node", fds, Map.of("run", run));
            Results.log("W1 n=" + n + " run " + run + ": " + ms + " ms");
            return ms;
        } finally {
            Nodes.closeAll(nodes);
        }
    }
}
