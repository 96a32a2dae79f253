package io.tamtam.benchmarks.workloads;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.Node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * W4: two nodes, 10,000 messages of 100 bytes, reliable (bounded window of outstanding futures) and best
 * effort, against a raw Netty TCP pipeline with per-message acks in the same run. Each measurement runs
 * {@link #WARMUPS} times to warm up, then {@link #REPEATS} times; the median is reported, the best as an extra field.
 */
final class Messaging {
    private static final int COUNT = 10_000;
    private static final int SIZE = 100;
    private static final int WINDOW = 1_000;
    private static final int REPEATS = 5;
    private static final int WARMUPS = 2;
    private static final MessageType<byte[]> TYPE = MessageType.of(201, byte[].class);
    private static final long SETTLE_NANOS = 500_000_000L;

    private Messaging() {
    }

    /**
     * @throws TimeoutException     when the nodes do not converge
     * @throws InterruptedException when interrupted
     */
    static void run() throws TimeoutException, InterruptedException {
        List<Cluster> nodes = Nodes.converged(2);
        try (RawNettyAck raw = new RawNettyAck()) {
            Cluster a = nodes.get(0);
            Node b = a.member(nodes.get(1).localNode().id()).orElseThrow();
            AtomicLong received = new AtomicLong();
            AtomicLong lastReceived = new AtomicLong();
            nodes.get(1).handle(TYPE, p -> {
                received.incrementAndGet();
                lastReceived.set(System.nanoTime());
            });
            byte[] payload = new byte[SIZE];

            double[] reliable = new double[REPEATS];
            double[] besteffort = new double[REPEATS];
            double[] rawRate = new double[REPEATS];
            long reliableReceived = 0;
            long besteffortReceived = 0;
            for (int r = -WARMUPS; r < REPEATS; r++) {
                long before = received.get();
                long t0 = System.nanoTime();
                long failed = sendReliable(a, b, payload);
                double rate = COUNT / ((System.nanoTime() - t0) / 1e9);
                long got = received.get() - before;
                if (failed > 0) {
                    Results.log("W4 reliable: " + failed + " sends failed");
                }

                before = received.get();
                long sentBefore = a.stats().packetsSent();
                long recvBefore = nodes.get(1).stats().packetsReceived();
                t0 = System.nanoTime();
                sendBestEffort(a, b, payload);
                long done = awaitSettled(received, before);
                long beGot = received.get() - before;
                Results.log("W4 best effort: A sent " + (a.stats().packetsSent() - sentBefore)
                        + " packets, B received " + (nodes.get(1).stats().packetsReceived() - recvBefore)
                        + " packets (protocol traffic included), handler got " + beGot);
                double beRate = beGot / ((Math.max(done, lastReceived.get()) - t0) / 1e9);

                double rawR = COUNT / (raw.run(COUNT, SIZE, WINDOW) / 1e9);
                Results.log("W4 round " + r + ": reliable " + (long) rate + "/s, best effort " + (long) beRate
                        + "/s (" + beGot + "), raw " + (long) rawR + "/s");
                if (r >= 0) {
                    reliable[r] = rate;
                    besteffort[r] = beRate;
                    rawRate[r] = rawR;
                    reliableReceived = got;
                    besteffortReceived = Math.min(r == 0 ? Long.MAX_VALUE : besteffortReceived, beGot);
                }
            }
            Map<String, Object> how = Map.of("of", REPEATS, "stat", "median");
            double relMedian = Stats.median(reliable);
            double rawMedian = Stats.median(rawRate);
            Results.emit("W4", 2, "reliable_msgs_per_s", relMedian, extra(how, reliable));
            Results.emit("W4", 2, "reliable_received", reliableReceived, Map.of("sent", COUNT));
            Results.emit("W4", 2, "besteffort_msgs_per_s", Stats.median(besteffort), extra(how, besteffort));
            Results.emit("W4", 2, "besteffort_received", besteffortReceived, Map.of("sent", COUNT, "stat", "min"));
            Results.emit("W4", 2, "raw_netty_msgs_per_s", rawMedian, extra(how, rawRate));
            Results.emit("W4", 2, "reliable_vs_raw", relMedian / rawMedian);
        } finally {
            Nodes.closeAll(nodes);
        }
    }

    private static Map<String, Object> extra(Map<String, Object> how, double[] values) {
        Map<String, Object> m = new LinkedHashMap<>(how);
        m.put("best", Stats.max(values));
        return m;
    }

    private static long sendReliable(Cluster a, Node b, byte[] payload) throws InterruptedException {
        Semaphore window = new Semaphore(WINDOW);
        AtomicLong failed = new AtomicLong();
        for (int i = 0; i < COUNT; i++) {
            window.acquire();
            CompletableFuture<Void> f = a.sendReliable(b, TYPE, payload);
            f.whenComplete((v, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                }
                window.release();
            });
        }
        if (!window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS)) {
            Results.log("W4 reliable: futures still outstanding after 60 s");
        }
        return failed.get();
    }

    private static void sendBestEffort(Cluster a, Node b, byte[] payload) throws InterruptedException {
        Semaphore window = new Semaphore(WINDOW);
        for (int i = 0; i < COUNT; i++) {
            window.acquire();
            a.send(b, TYPE, payload).whenComplete((v, e) -> window.release());
        }
        if (!window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS)) {
            Results.log("W4 best effort: sends still outstanding after 60 s");
        }
    }

    /** @return when the receive count reached COUNT, or when it stopped moving for the settle time */
    private static long awaitSettled(AtomicLong received, long before) {
        long last = received.get();
        long lastChange = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long cur = received.get();
            if (cur - before >= COUNT) {
                return now;
            }
            if (cur != last) {
                last = cur;
                lastChange = now;
            } else if (now - lastChange > SETTLE_NANOS) {
                return lastChange;
            }
            LockSupport.parkNanos(200_000);
        }
    }
}
