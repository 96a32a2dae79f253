package io.tamtam.benchmarks.workloads;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * W2: node 0 of 64 converged nodes broadcasts 100 bytes 20 times, each time waiting until all 63 others
 * got it; after one unreported run of the same kind that warms the JIT up.
 */
final class BroadcastLatency {
    private static final int N = 64;
    private static final int ROUNDS = 20;
    private static final MessageType<byte[]> TYPE = MessageType.of(200, byte[].class);

    private BroadcastLatency() {
    }

    /** One broadcast's receivers. */
    private record Round(int index, Set<UUID> receivers, CountDownLatch all) {
    }

    /**
     * @param runs how many runs, each on a new converged cluster; with more than one, the worst run's
     *             p50 and max are emitted too
     * @throws TimeoutException    when the nodes do not converge
     * @throws InterruptedException when interrupted
     */
    static void run(int runs) throws TimeoutException, InterruptedException {
        once(0, false);   // warms the JIT up; not reported
        double worstP50 = 0;
        double worstMax = 0;
        for (int r = 1; r <= runs; r++) {
            double[] ms = once(r, true);
            worstP50 = Math.max(worstP50, Stats.median(ms));
            worstMax = Math.max(worstMax, Stats.max(ms));
        }
        if (runs > 1) {
            Results.emit("W2", N, "bcast_all_p50_ms_worst_run", worstP50, Map.of("rounds", ROUNDS, "runs", runs));
            Results.emit("W2", N, "bcast_all_max_ms_worst_run", worstMax, Map.of("rounds", ROUNDS, "runs", runs));
        }
    }

    private static double[] once(int run, boolean report) throws TimeoutException, InterruptedException {
        List<Cluster> nodes = Nodes.converged(N);
        List<Subscription> subs = new ArrayList<>();
        try {
            AtomicReference<Round> current = new AtomicReference<>();
            for (int i = 1; i < N; i++) {
                UUID self = nodes.get(i).localNode().id();
                subs.add(nodes.get(i).handle(TYPE, p -> {
                    Round r = current.get();
                    if (r != null && p.payload()[0] == (byte) r.index() && r.receivers().add(self)) {
                        r.all().countDown();
                    }
                }));
            }
            double[] ms = new double[ROUNDS];
            long delivered = 0;
            for (int k = 0; k < ROUNDS; k++) {
                Round r = new Round(k, ConcurrentHashMap.newKeySet(), new CountDownLatch(N - 1));
                current.set(r);
                byte[] payload = new byte[100];
                payload[0] = (byte) k;
                long t0 = System.nanoTime();
                nodes.get(0).broadcast(TYPE, payload);
                boolean all = r.all().await(10, TimeUnit.SECONDS);
                ms[k] = (System.nanoTime() - t0) / 1e6;
                delivered += r.receivers().size();
                if (!all) {
                    Results.log("W2 broadcast " + k + " reached " + r.receivers().size() + " of " + (N - 1) + " in 10 s");
                }
            }
            Map<String, Object> config = Map.of("rounds", ROUNDS, "run", run);
            Results.log("W2 run " + run + (report ? ": " : " (warm-up, not reported): ") + java.util.Arrays.toString(ms));
            if (!report) {
                return ms;
            }
            Results.emit("W2", N, "bcast_all_p50_ms", Stats.median(ms), config);
            Results.emit("W2", N, "bcast_all_max_ms", Stats.max(ms), config);
            Results.emit("W2", N, "delivered_fraction", delivered / (double) (ROUNDS * (N - 1)), config);
            return ms;
        } finally {
            subs.forEach(Subscription::close);
            Nodes.closeAll(nodes);
        }
    }
}
