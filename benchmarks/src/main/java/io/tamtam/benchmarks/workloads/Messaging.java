package io.tamtam.benchmarks.workloads;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.ClusterStats;
import io.tamtam.DropReason;
import io.tamtam.MessageType;
import io.tamtam.RequestType;
import io.tamtam.Node;

import io.tamtam.spi.TransportOptions;
import io.tamtam.transport.udp.UdpTransport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * W4: two nodes, 10,000 messages of 100 bytes, reliable (bounded window of outstanding futures) and best
 * effort, against {@link RawNettyAck} (ordered frames, batched writes, cumulative acks per read batch) in
 * the same run; request/reply of 100 bytes one at a time (round-trip percentiles) against
 * {@link RawNettyEcho}, and pipelined (requests per second). Each measurement first runs warm-up rounds
 * (discarded; TamTam and the baseline alike) until the JIT has compiled the paths: at least
 * {@link #MIN_WARMUPS} rounds and {@link #WARMUP_NANOS} of them, at most {@link #MAX_WARMUPS}; then
 * {@link #REPEATS} measured rounds. The median is reported with min and max and the configuration (with
 * the warm-up rounds run); "best" is the max, kept for older readers.
 */
final class Messaging {
    private static final int COUNT = 10_000;
    private static final int SIZE = 100;
    private static final int WINDOW = 1_000;
    private static final int REPEATS = 9;
    /** Warm-up rounds run at least. */
    private static final int MIN_WARMUPS = 2;
    /** Warm-up rounds run at most. */
    private static final int MAX_WARMUPS = 400;
    /**
     * Warm-up rounds run for at least this long: 15 s. On the 2-core machine under load, the JIT's C2
     * threads still took 29% of the process's CPU 6-14 s into a reliable-messaging loop, and under 4% after
     * 25 s; two warm-up rounds (0.3-1 s) measured mostly interpreted and C1 code.
     */
    private static final long WARMUP_NANOS = 15_000_000_000L;
    private static final int RR_SEQUENTIAL = 2_000;
    private static final MessageType<byte[]> TYPE = MessageType.of(201, byte[].class);
    private static final RequestType<byte[], byte[]> ECHO = RequestType.of(204, byte[].class, byte[].class);
    private static final Duration RR_TIMEOUT = Duration.ofSeconds(10);
    private static final long SETTLE_NANOS = 500_000_000L;

    private Messaging() {
    }

    /**
     * @throws TimeoutException     when the nodes do not converge
     * @throws InterruptedException when interrupted
     * @throws ExecutionException   when a request or a raw baseline fails
     */
    static void run() throws TimeoutException, InterruptedException, ExecutionException {
        List<Cluster> nodes = Nodes.converged(2);
        try {
            try (RawNettyAck raw = new RawNettyAck()) {
                Cluster a = nodes.get(0);
                Node b = a.member(nodes.get(1).localNode().id()).orElseThrow();
                AtomicLong received = new AtomicLong();
                AtomicLong lastReceived = new AtomicLong();
                nodes.get(1).handle(TYPE, p -> {
                    received.incrementAndGet();
                    lastReceived.set(System.nanoTime());
                });
                byte[] payload = randomPayload();

                double[] reliable = new double[REPEATS];
                double[] besteffort = new double[REPEATS];
                double[] rawRate = new double[REPEATS];
                double[] ratio = new double[REPEATS];
                long reliableReceived = 0;
                long besteffortReceived = 0;
                double[] beDatagrams = new double[REPEATS];
                double[] beFrames = new double[REPEATS];
                double[] beUdpShare = new double[REPEATS];
                Warmup warmup = new Warmup();
                for (int r = -1; r < REPEATS; r = warmup.next(r)) {
                    long before = received.get();
                    long t0 = System.nanoTime();
                    long failed = windowed("reliable", () -> a.sendReliable(b, TYPE, payload));
                    double rate = COUNT / ((System.nanoTime() - t0) / 1e9);
                    long got = received.get() - before;
                    if (failed > 0) {
                        Results.log("W4 reliable: " + failed + " sends failed");
                    }

                    before = received.get();
                    long sentBefore = a.stats().packetsSent();
                    long recvBefore = nodes.get(1).stats().packetsReceived();
                    PathCounts paths = new PathCounts(a);
                    t0 = System.nanoTime();
                    windowed("best effort", () -> a.send(b, TYPE, payload));
                    long done = awaitSettled(received, before);
                    long beGot = received.get() - before;
                    paths.end(a);
                    Results.log("W4 best effort: A sent " + (a.stats().packetsSent() - sentBefore)
                            + " packets (" + paths.datagrams + " datagrams of " + paths.datagramBytes + " bytes, "
                            + paths.frames + " frames of " + paths.frameBytes + " bytes, " + paths.unsent
                            + " datagrams not sent), B received " + (nodes.get(1).stats().packetsReceived() - recvBefore)
                            + " packets (protocol traffic included), handler got " + beGot);
                    double beRate = beGot / ((Math.max(done, lastReceived.get()) - t0) / 1e9);

                    double rawR = COUNT / (raw.run(COUNT, SIZE, WINDOW) / 1e9);
                    Results.log("W4 round " + r + ": reliable " + (long) rate + "/s, best effort " + (long) beRate
                            + "/s (" + beGot + "), raw " + (long) rawR + "/s");
                    if (r >= 0) {
                        reliable[r] = rate;
                        besteffort[r] = beRate;
                        rawRate[r] = rawR;
                        ratio[r] = rate / rawR;
                        reliableReceived = got;
                        besteffortReceived = Math.min(r == 0 ? Long.MAX_VALUE : besteffortReceived, beGot);
                        beDatagrams[r] = paths.datagrams;
                        beFrames[r] = paths.frames;
                        beUdpShare[r] = paths.udpShare();
                    }
                }
                Map<String, Object> cfg = config(warmup.rounds);
                Results.emit("W4", 2, "reliable_msgs_per_s", Stats.median(reliable), withBest(reliable, cfg));
                Results.emit("W4", 2, "reliable_received", reliableReceived, Map.of("sent", COUNT));
                Results.emit("W4", 2, "besteffort_msgs_per_s", Stats.median(besteffort), withBest(besteffort, cfg));
                Results.emit("W4", 2, "besteffort_received", besteffortReceived, Map.of("sent", COUNT, "stat", "min"));
                Map<String, Object> udp = config(warmup.rounds);
                udp.put("udp_rcvbuf_granted", PathCounts.grantedReceiveBuffer());
                Results.emit("W4", 2, "besteffort_datagrams", Stats.median(beDatagrams), Stats.spread(beDatagrams, udp));
                Results.emit("W4", 2, "besteffort_frames", Stats.median(beFrames), Stats.spread(beFrames, udp));
                Results.emit("W4", 2, "besteffort_udp_share", Stats.median(beUdpShare), Stats.spread(beUdpShare, udp));
                Results.emit("W4", 2, "raw_netty_msgs_per_s", Stats.median(rawRate), withBest(rawRate, cfg));
                Results.emit("W4", 2, "reliable_vs_raw", Stats.median(ratio), Stats.spread(ratio, cfg));
            }
            requestReply(nodes);
        } finally {
            Nodes.closeAll(nodes);
        }
    }

    /** @return SIZE random bytes: compression, when on, finds nothing to gain, as with the raw baselines */
    private static byte[] randomPayload() {
        byte[] payload = new byte[SIZE];
        new SplittableRandom(4).nextBytes(payload);
        return payload;
    }

    private static Map<String, Object> config(int warmups) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", "lan");
        m.put("size", SIZE);
        m.put("payload", "random");
        m.put("count", COUNT);
        m.put("window", WINDOW);
        m.put("warmups", warmups);
        m.put("warmup_s", WARMUP_NANOS / 1_000_000_000L);
        m.put("raw", RawNetty.TRANSPORT);
        return m;
    }

    private static Map<String, Object> withBest(double[] values, Map<String, Object> config) {
        Map<String, Object> m = Stats.spread(values, config);
        m.put("best", Stats.max(values));
        return m;
    }

    /**
     * Request/reply: round trips one at a time from this thread (TamTam and the raw echo alternate per
     * request), then pipelined TamTam requests with a window of outstanding futures.
     */
    private static void requestReply(List<Cluster> nodes)
            throws InterruptedException, ExecutionException, TimeoutException {
        Cluster a = nodes.get(0);
        Node b = a.member(nodes.get(1).localNode().id()).orElseThrow();
        nodes.get(1).handleRequest(ECHO, p -> p.payload());
        byte[] payload = randomPayload();
        double[] p50 = new double[REPEATS];
        double[] p99 = new double[REPEATS];
        double[] rawP50 = new double[REPEATS];
        double[] rawP99 = new double[REPEATS];
        double[] perS = new double[REPEATS];
        Warmup warmup = new Warmup();
        try (RawNettyEcho raw = new RawNettyEcho()) {
            int id = 0;
            for (int r = -1; r < REPEATS; r = warmup.next(r)) {
                double[] us = new double[RR_SEQUENTIAL];
                double[] rawUs = new double[RR_SEQUENTIAL];
                // One TamTam round trip, then one raw: both sides see the same moments of the machine's load.
                for (int i = 0; i < RR_SEQUENTIAL; i++) {
                    long t0 = System.nanoTime();
                    byte[] reply = a.request(b, ECHO, payload, RR_TIMEOUT).get(10, TimeUnit.SECONDS);
                    us[i] = (System.nanoTime() - t0) / 1e3;
                    if (reply.length != SIZE) {
                        throw new IllegalStateException("echo replied " + reply.length + " bytes");
                    }
                    rawUs[i] = raw.roundTrip(id++, payload) / 1e3;
                }
                long t0 = System.nanoTime();
                long failed = windowed("rr", () -> a.request(b, ECHO, payload, RR_TIMEOUT));
                double rate = COUNT / ((System.nanoTime() - t0) / 1e9);
                Results.log("W4 rr round " + r + ": p50 " + Stats.percentile(us, 50) + " us, p99 "
                        + Stats.percentile(us, 99) + " us, raw p50 " + Stats.percentile(rawUs, 50) + " us, raw p99 "
                        + Stats.percentile(rawUs, 99) + " us, pipelined " + (long) rate + "/s, " + failed + " failed");
                if (r >= 0) {
                    p50[r] = Stats.percentile(us, 50);
                    p99[r] = Stats.percentile(us, 99);
                    rawP50[r] = Stats.percentile(rawUs, 50);
                    rawP99[r] = Stats.percentile(rawUs, 99);
                    perS[r] = rate;
                }
            }
        }
        Map<String, Object> cfg = config(warmup.rounds);
        cfg.remove("count");
        cfg.remove("window");
        cfg.put("sequential", RR_SEQUENTIAL);
        Results.emit("W4", 2, "rr_p50_us", Stats.median(p50), Stats.spread(p50, cfg));
        Results.emit("W4", 2, "rr_p99_us", Stats.median(p99), Stats.spread(p99, cfg));
        Results.emit("W4", 2, "raw_rr_p50_us", Stats.median(rawP50), Stats.spread(rawP50, cfg));
        Results.emit("W4", 2, "raw_rr_p99_us", Stats.median(rawP99), Stats.spread(rawP99, cfg));
        double[] p50Ratio = new double[REPEATS];
        double[] p99Ratio = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            p50Ratio[r] = p50[r] / rawP50[r];
            p99Ratio[r] = p99[r] / rawP99[r];
        }
        Results.emit("W4", 2, "rr_p50_vs_raw", Stats.median(p50Ratio), Stats.spread(p50Ratio, cfg));
        Results.emit("W4", 2, "rr_p99_vs_raw", Stats.median(p99Ratio), Stats.spread(p99Ratio, cfg));
        Map<String, Object> pipe = config(warmup.rounds);
        Results.emit("W4", 2, "rr_per_s", Stats.median(perS), Stats.spread(perS, pipe));
    }

    /**
     * What the sender put on each path during one best-effort round (protocol traffic included): packets
     * and bytes by datagram and by frame, and datagrams its transport did not send.
     */
    private static final class PathCounts {
        private final long datagrams0;
        private final long frames0;
        private final long datagramBytes0;
        private final long frameBytes0;
        private final long unsent0;
        long datagrams;
        long frames;
        long datagramBytes;
        long frameBytes;
        long unsent;

        PathCounts(Cluster a) {
            ClusterStats s = a.stats();
            datagrams0 = s.packetsSent(ClusterStats.Path.DATAGRAM);
            frames0 = s.packetsSent(ClusterStats.Path.FRAME);
            datagramBytes0 = s.bytesSent(ClusterStats.Path.DATAGRAM);
            frameBytes0 = s.bytesSent(ClusterStats.Path.FRAME);
            unsent0 = s.dropped(DropReason.SEND_FAILED);
        }

        void end(Cluster a) {
            ClusterStats s = a.stats();
            datagrams = s.packetsSent(ClusterStats.Path.DATAGRAM) - datagrams0;
            frames = s.packetsSent(ClusterStats.Path.FRAME) - frames0;
            datagramBytes = s.bytesSent(ClusterStats.Path.DATAGRAM) - datagramBytes0;
            frameBytes = s.bytesSent(ClusterStats.Path.FRAME) - frameBytes0;
            unsent = s.dropped(DropReason.SEND_FAILED) - unsent0;
        }

        /** @return the fraction of the round's bytes sent by datagram */
        double udpShare() {
            long all = datagramBytes + frameBytes;
            return all == 0 ? 0 : (double) datagramBytes / all;
        }

        /** @return the socket receive buffer the kernel grants a UDP transport here, in bytes */
        static int grantedReceiveBuffer() {
            try (UdpTransport probe = new UdpTransport(new TransportOptions(ClusterConfig.DEFAULT_MAX_DATAGRAM_SIZE,
                    ClusterConfig.DEFAULT_MAX_FRAME_SIZE, Duration.ofSeconds(1), Duration.ofSeconds(1),
                    Duration.ofSeconds(1)))) {
                probe.bind(new InetSocketAddress("127.0.0.1", 0), (from, datagram) -> { });
                return probe.receiveBufferGranted();
            } catch (IOException e) {
                return -1;
            }
        }
    }

    /**
     * Counts warm-up rounds: a round index below 0 is a warm-up, and warming goes on (index -1 again)
     * until {@link #MIN_WARMUPS} rounds and {@link #WARMUP_NANOS} have passed, or {@link #MAX_WARMUPS} rounds.
     */
    private static final class Warmup {
        private final long start = System.nanoTime();
        private int rounds;

        /** @param r the round just run @return the next round's index */
        int next(int r) {
            if (r >= 0) {
                return r + 1;
            }
            rounds++;
            boolean more = rounds < MIN_WARMUPS
                    || (rounds < MAX_WARMUPS && System.nanoTime() - start < WARMUP_NANOS);
            return more ? -1 : 0;
        }
    }

    /**
     * Starts COUNT operations with at most WINDOW outstanding and waits for the last.
     *
     * @param what names the operation in the log
     * @param op   starts one operation
     * @return how many failed
     */
    private static long windowed(String what, Supplier<CompletableFuture<?>> op) throws InterruptedException {
        Semaphore window = new Semaphore(WINDOW);
        AtomicLong failed = new AtomicLong();
        for (int i = 0; i < COUNT; i++) {
            window.acquire();
            op.get().whenComplete((v, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                }
                window.release();
            });
        }
        if (!window.tryAcquire(WINDOW, 60, TimeUnit.SECONDS)) {
            Results.log("W4 " + what + ": still outstanding after 60 s");
        }
        return failed.get();
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
