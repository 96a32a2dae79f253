package io.tamtam.benchmarks.workloads;

import io.tamtam.Cluster;
import io.tamtam.MembershipEvent;
import io.tamtam.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * W3: one of 64 converged nodes is closed without leaving; time to the first SUSPECT about it anywhere,
 * time until all 63 others see it DEAD, then DEAD or LEFT events about any other node over 30 s.
 */
final class FailureDetection {
    private static final int N = 64;
    private static final long WATCH_NANOS = 30_000_000_000L;
    private static final long DEAD_TIMEOUT_NANOS = 60_000_000_000L;

    private FailureDetection() {
    }

    /**
     * @throws TimeoutException when the nodes do not converge
     */
    static void run() throws TimeoutException {
        List<Cluster> nodes = Nodes.converged(N);
        List<Subscription> subs = new ArrayList<>();
        try {
            Cluster victim = nodes.get(N - 1);
            UUID victimId = victim.localNode().id();
            AtomicLong firstSuspect = new AtomicLong();
            Set<UUID> sawDead = ConcurrentHashMap.newKeySet();
            AtomicInteger falsePositives = new AtomicInteger();
            for (int i = 0; i < N - 1; i++) {
                UUID observer = nodes.get(i).localNode().id();
                subs.add(nodes.get(i).addMembershipListener(e -> {
                    boolean aboutVictim = e.node().id().equals(victimId);
                    MembershipEvent.Type t = e.type();
                    if (aboutVictim && t == MembershipEvent.Type.SUSPECT) {
                        firstSuspect.compareAndSet(0, System.nanoTime());
                    } else if (aboutVictim && t == MembershipEvent.Type.DEAD) {
                        sawDead.add(observer);
                    } else if (!aboutVictim && (t == MembershipEvent.Type.DEAD || t == MembershipEvent.Type.LEFT)) {
                        falsePositives.incrementAndGet();
                        Results.log("W3 false positive: " + observer + " saw " + e);
                    }
                }));
            }
            long t0 = System.nanoTime();
            victim.close();
            long deadAll = 0;
            while (System.nanoTime() - t0 < DEAD_TIMEOUT_NANOS) {
                if (sawDead.size() == N - 1) {
                    deadAll = System.nanoTime();
                    break;
                }
                LockSupport.parkNanos(5_000_000);
            }
            long suspect = firstSuspect.get();
            Results.emit("W3", N, "suspect_first_ms", suspect == 0 ? Double.NaN : (suspect - t0) / 1e6);
            if (deadAll == 0) {
                Results.log("W3: only " + sawDead.size() + " of " + (N - 1) + " saw DEAD within 60 s");
                Results.emit("W3", N, "dead_all_ms", Double.NaN, Map.of("saw_dead", sawDead.size()));
            } else {
                Results.emit("W3", N, "dead_all_ms", (deadAll - t0) / 1e6);
            }
            long watchStart = System.nanoTime();
            while (System.nanoTime() - watchStart < WATCH_NANOS) {
                LockSupport.parkNanos(100_000_000);
            }
            Results.emit("W3", N, "false_positives", falsePositives.get(), Map.of("watch_s", 30));
        } finally {
            subs.forEach(Subscription::close);
            Nodes.closeAll(nodes);
        }
    }
}
