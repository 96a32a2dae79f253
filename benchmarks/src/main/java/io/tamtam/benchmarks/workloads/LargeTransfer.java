package io.tamtam.benchmarks.workloads;

import io.tamtam.Cluster;
import io.tamtam.MessageType;
import io.tamtam.Node;
import io.tamtam.NodeStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * W5: one 8 MiB payload from A to B as a reliable message (to a {@code byte[]} handler, then to a
 * {@code ByteBuffer} handler, which gets a view valid during its call), through a stream, through a stream between
 * two nodes with encryption keys, and through a plain socket; then 256 MiB (the payload written 32 times)
 * through a stream, through a plain socket and through a stream with encryption keys; then (in the
 * compression-on set) the rate at which this JVM seals and opens stream chunks on one thread
 * ({@link CipherRate}); each {@link #REPEATS} times after
 * {@link #WARMUPS} discarded warm-up rounds; every figure is the median of the per-round rates with min and max. The
 * payload is random bytes (incompressible) unless the environment variable PAYLOAD is {@code pattern}
 * (bytes repeating every 256). The whole set runs twice: with compression on (Snappy, found on the
 * class path) and off ({@code compressionDisabled}), the two sets taking turns round by round (each
 * first in every other round); each JSON line says which. The message is timed
 * from the call to its acknowledgement (the receiver's handler returned); a stream and the socket copy
 * from the first byte written (the connection already open) to the last byte read by the receiver.
 * The warm-up rounds seal and open over 800 MiB, so the JIT has compiled the cipher's large-buffer path
 * before the encrypted streams are measured (with 24 MiB, as before the 256 MiB encrypted stream
 * was added, it had not: README, "W5: the encrypted stream, the JIT and the JDK's AES-GCM").
 *
 * <p>Before the rounds, the heap is warmed: the 8 MiB message goes to the {@code byte[]} handler, one at a
 * time, until the JVM has run {@link #HEAP_WARMUP_COLLECTIONS} garbage collections (at most
 * {@link #HEAP_WARMUP_MAX} messages). Each such message is a new 8 MiB array, and until the collector has
 * reclaimed some, each lands in heap memory the process touches for the first time, which costs a page
 * fault per 4 KiB on some virtual machines; a long-running node is past that. Those messages' rates are
 * reported as {@code large_cold_mb_per_s}.
 */
final class LargeTransfer {
    private static final int SIZE = 8 << 20;
    private static final int REPEATS = 10;
    /** Discarded rounds first: the JIT compiles the large-buffer AES-GCM and copy paths late on a loaded machine. */
    private static final int WARMUPS = 3;
    /** Garbage collections the heap warm-up waits for. */
    private static final int HEAP_WARMUP_COLLECTIONS = 2;
    /** Most messages the heap warm-up sends (2 GiB of arrays, the workload JVM's largest heap). */
    private static final int HEAP_WARMUP_MAX = 256;
    private static final MessageType<byte[]> MSG_TYPE = MessageType.of(202, byte[].class);
    /** The same message to a handler that takes the payload as a view valid during its call. */
    private static final MessageType<ByteBuffer> VIEW_TYPE = MessageType.of(206, ByteBuffer.class);
    private static final int STREAM_TYPE = 203;
    private static final int LONG_STREAM_TYPE = 205;
    /** The long stream writes the payload this many times: 256 MiB. */
    private static final int LONG_STREAM_TIMES = 32;
    private static final double MB = 1024 * 1024;
    private static final byte[] KEY = new byte[32];
    /** When a stream receiver read its last byte (nanoTime), one entry per stream. */
    private static final BlockingQueue<Long> LAST_BYTE_READ = new LinkedBlockingQueue<>();

    private LargeTransfer() {
    }

    /**
     * @throws TimeoutException     when the nodes do not converge or a transfer takes over a minute
     * @throws InterruptedException when interrupted
     * @throws ExecutionException   when a transfer fails
     * @throws IOException          when a stream or socket fails
     */
    static void run() throws TimeoutException, InterruptedException, ExecutionException, IOException {
        String kind = System.getenv().getOrDefault("PAYLOAD", "random").toLowerCase(Locale.ROOT);
        byte[] payload = new byte[SIZE];
        switch (kind) {
            case "random" -> new SplittableRandom(8).nextBytes(payload);
            case "pattern" -> {
                for (int i = 0; i < SIZE; i++) {
                    payload[i] = (byte) (i * 31 + (i >>> 11));
                }
            }
            default -> throw new IllegalArgumentException("PAYLOAD is random or pattern, not " + kind);
        }
        new SplittableRandom(32).nextBytes(KEY);
        List<TransferSet> sets = new ArrayList<>();
        try (RawSocketCopy raw = new RawSocketCopy()) {
            for (boolean compression : new boolean[] {true, false}) {
                sets.add(new TransferSet(compression, raw));
            }
            long collections0 = collections();
            double[] cold = sets.get(0).warmHeap(payload);
            Map<String, Object> coldCfg = new LinkedHashMap<>();
            coldCfg.put("preset", "lan");
            coldCfg.put("payload", kind);
            coldCfg.put("compression", "on");
            coldCfg.put("payload_mib", SIZE >> 20);
            coldCfg.put("collections", collections() - collections0);
            emit("large_cold_mb_per_s", cold, coldCfg);
            // The two sets take turns round by round, each first in every other round, so both meet the
            // same heap (memory the JVM touches for the first time is slow on some virtual machines) and
            // the same load on a shared machine.
            for (int r = -WARMUPS; r < REPEATS; r++) {
                for (int i = 0; i < sets.size(); i++) {
                    sets.get(Math.floorMod(r + i, sets.size())).measure(payload, r);
                }
            }
            for (TransferSet set : sets) {
                set.emitAll(kind);
            }
        } finally {
            for (TransferSet set : sets) {
                set.close();
            }
        }
    }

    /** One set of W5's transfers, compression on or off, with its nodes and its figures per round. */
    private static final class TransferSet implements AutoCloseable {
        private final boolean compression;
        private final RawSocketCopy raw;
        private final List<Cluster> plain;
        private final List<Cluster> sealed;
        private final Node b;
        private final Node bSealed;
        private final double[] large = new double[REPEATS];
        private final double[] largeView = new double[REPEATS];
        private final double[] stream = new double[REPEATS];
        private final double[] streamSealed = new double[REPEATS];
        private final double[] rawRate = new double[REPEATS];
        private final double[] vsRaw = new double[REPEATS];
        private final double[] sealedVsPlain = new double[REPEATS];
        private final double[] longStream = new double[REPEATS];
        private final double[] longRaw = new double[REPEATS];
        private final double[] longVsRaw = new double[REPEATS];
        private final double[] longSealed = new double[REPEATS];
        private final double[] longSealedVsPlain = new double[REPEATS];
        private final double[] seal = new double[REPEATS];
        private final double[] open = new double[REPEATS];

        TransferSet(boolean compression, RawSocketCopy raw) throws TimeoutException {
            this.compression = compression;
            this.raw = raw;
            plain = Nodes.converged(2, c -> c.compressionDisabled(!compression));
            List<Cluster> keyed = null;
            try {
                keyed = Nodes.converged(2, c -> c.compressionDisabled(!compression).encryptionKeys(KEY));
            } finally {
                if (keyed == null) {
                    Nodes.closeAll(plain);
                }
            }
            sealed = keyed;
            b = receiver(plain);
            bSealed = receiver(sealed);
        }

        /**
         * Sends the 8 MiB message to the {@code byte[]} handler until the JVM has run
         * {@link #HEAP_WARMUP_COLLECTIONS} collections or {@link #HEAP_WARMUP_MAX} messages went.
         *
         * @return each message's rate in MB/s
         */
        double[] warmHeap(byte[] payload) throws TimeoutException, InterruptedException, ExecutionException {
            long start = collections();
            double[] rates = new double[HEAP_WARMUP_MAX];
            int n = 0;
            while (n < HEAP_WARMUP_MAX && collections() - start < HEAP_WARMUP_COLLECTIONS) {
                long t0 = System.nanoTime();
                plain.get(0).sendReliable(b, MSG_TYPE, payload).get(60, TimeUnit.SECONDS);
                rates[n++] = SIZE / MB / ((System.nanoTime() - t0) / 1e9);
            }
            Results.log("W5 heap warm-up: " + n + " messages, " + (collections() - start) + " collections");
            return java.util.Arrays.copyOf(rates, n);
        }

        /** Runs round {@code r} (negative: a discarded warm-up round). */
        void measure(byte[] payload, int r)
                throws TimeoutException, InterruptedException, ExecutionException, IOException {
            double mb = SIZE / MB;
            long t0 = System.nanoTime();
            plain.get(0).sendReliable(b, MSG_TYPE, payload).get(60, TimeUnit.SECONDS);
            long mt = System.nanoTime() - t0;
            long st = streamCopy(plain.get(0), b, payload);
            long et = streamCopy(sealed.get(0), bSealed, payload);
            long rt = raw.copy(payload);
            long lt = streamCopy(plain.get(0), b, payload, LONG_STREAM_TYPE, LONG_STREAM_TIMES);
            long lrt = raw.copy(payload, LONG_STREAM_TIMES);
            long let = streamCopy(sealed.get(0), bSealed, payload, LONG_STREAM_TYPE, LONG_STREAM_TIMES);
            // The cipher does not depend on the set: measured in one (the compression-on set), reported once.
            long[] cipherTimes = compression ? CipherRate.sealAndOpen(KEY, payload, CipherRate.CHUNK) : null;
            // Last in the round, so that every other transfer runs after the same ones as before it was added.
            long t1 = System.nanoTime();
            plain.get(0).sendReliable(b, VIEW_TYPE, ByteBuffer.wrap(payload)).get(60, TimeUnit.SECONDS);
            long vt = System.nanoTime() - t1;
            Results.log("W5 compression " + (compression ? "on" : "off") + " round " + r + ": message "
                    + mt / 1_000_000 + " ms, stream " + st / 1_000_000 + " ms, encrypted stream "
                    + et / 1_000_000 + " ms, raw " + rt / 1_000_000 + " ms; 256 MiB: stream " + lt / 1_000_000
                    + " ms, raw " + lrt / 1_000_000 + " ms, encrypted stream " + let / 1_000_000
                    + " ms; message to a view handler " + vt / 1_000_000 + " ms");
            if (r >= 0) {
                large[r] = mb / (mt / 1e9);
                largeView[r] = mb / (vt / 1e9);
                stream[r] = mb / (st / 1e9);
                streamSealed[r] = mb / (et / 1e9);
                rawRate[r] = mb / (rt / 1e9);
                vsRaw[r] = stream[r] / rawRate[r];
                sealedVsPlain[r] = streamSealed[r] / stream[r];
                longStream[r] = mb * LONG_STREAM_TIMES / (lt / 1e9);
                longRaw[r] = mb * LONG_STREAM_TIMES / (lrt / 1e9);
                longVsRaw[r] = longStream[r] / longRaw[r];
                longSealed[r] = mb * LONG_STREAM_TIMES / (let / 1e9);
                longSealedVsPlain[r] = longSealed[r] / longStream[r];
                if (cipherTimes != null) {
                    seal[r] = mb / (cipherTimes[0] / 1e9);
                    open[r] = mb / (cipherTimes[1] / 1e9);
                }
            }
        }

        void emitAll(String kind) {
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("preset", "lan");
            cfg.put("payload", kind);
            cfg.put("compression", compression ? "on" : "off");
            cfg.put("payload_mib", SIZE >> 20);
            cfg.put("chunk_kib", Workloads.CHUNK >> 10);
            cfg.put("warmups", WARMUPS);
            cfg.put("heap_warmup", "until " + HEAP_WARMUP_COLLECTIONS + " collections");
            cfg.put("sets", "alternating");
            cfg.put("raw", "nio-direct");
            emit("large_mb_per_s", large, cfg);
            Map<String, Object> viewCfg = new LinkedHashMap<>(cfg);
            viewCfg.put("handler", "ByteBuffer");
            emit("large_view_mb_per_s", largeView, viewCfg);
            emit("stream_mb_per_s", stream, cfg);
            emit("raw_tcp_mb_per_s", rawRate, cfg);
            emit("stream_vs_raw", vsRaw, cfg);
            Map<String, Object> sealedCfg = new LinkedHashMap<>(cfg);
            sealedCfg.put("cipher", "AES-256-GCM");
            emit("stream_encrypted_mb_per_s", streamSealed, sealedCfg);
            emit("stream_encrypted_vs_plain", sealedVsPlain, sealedCfg);
            Map<String, Object> longCfg = new LinkedHashMap<>(cfg);
            longCfg.put("payload_mib", (SIZE >> 20) * LONG_STREAM_TIMES);
            emit("stream_256m_mb_per_s", longStream, longCfg);
            emit("raw_tcp_256m_mb_per_s", longRaw, longCfg);
            emit("stream_256m_vs_raw", longVsRaw, longCfg);
            Map<String, Object> longSealedCfg = new LinkedHashMap<>(longCfg);
            longSealedCfg.put("cipher", "AES-256-GCM");
            emit("stream_encrypted_256m_mb_per_s", longSealed, longSealedCfg);
            emit("stream_encrypted_256m_vs_plain", longSealedVsPlain, longSealedCfg);
            if (compression) {
                Map<String, Object> cipherCfg = new LinkedHashMap<>(sealedCfg);
                cipherCfg.remove("compression");
                cipherCfg.put("chunk_kib", CipherRate.CHUNK >> 10);
                cipherCfg.put("threads", 1);
                emit("cipher_seal_mb_per_s", seal, cipherCfg);
                emit("cipher_open_mb_per_s", open, cipherCfg);
            }
        }

        @Override
        public void close() {
            Nodes.closeAll(plain);
            Nodes.closeAll(sealed);
        }
    }

    /** @return garbage collections the JVM has run so far, all collectors */
    private static long collections() {
        long n = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    private static void emit(String metric, double[] runs, Map<String, Object> cfg) {
        Results.emit("W5", 2, metric, Stats.median(runs), Stats.spread(runs, cfg));
    }

    /** Registers the receiving handlers on the second node and returns it as the first node sees it. */
    private static Node receiver(List<Cluster> pair) {
        Cluster bNode = pair.get(1);
        bNode.handle(MSG_TYPE, p -> {
            if (p.payload().length != SIZE) {
                throw new IllegalStateException("got " + p.payload().length + " bytes");
            }
        });
        bNode.handle(VIEW_TYPE, p -> {
            if (p.payload().remaining() != SIZE) {
                throw new IllegalStateException("got " + p.payload().remaining() + " bytes");
            }
        });
        bNode.handleStream(STREAM_TYPE, s -> drainAndAck(s, SIZE));
        bNode.handleStream(LONG_STREAM_TYPE, s -> drainAndAck(s, (long) SIZE * LONG_STREAM_TIMES));
        return pair.get(0).member(bNode.localNode().id()).orElseThrow();
    }

    private static long streamCopy(Cluster a, Node b, byte[] payload)
            throws InterruptedException, ExecutionException, TimeoutException, IOException {
        return streamCopy(a, b, payload, STREAM_TYPE, 1);
    }

    /** @return nanoseconds from the first byte written to the last byte read by the receiver */
    private static long streamCopy(Cluster a, Node b, byte[] payload, int type, int times)
            throws InterruptedException, ExecutionException, TimeoutException, IOException {
        LAST_BYTE_READ.clear();
        long t0;
        try (NodeStream s = a.openStream(b, type).get(30, TimeUnit.SECONDS)) {
            OutputStream out = s.outputStream();
            t0 = System.nanoTime();
            for (int t = 0; t < times; t++) {
                for (int off = 0; off < payload.length; off += Workloads.CHUNK) {
                    out.write(payload, off, Math.min(Workloads.CHUNK, payload.length - off));
                }
            }
            out.close();
            if (s.inputStream().read() != 1) {
                throw new IOException("stream receiver did not acknowledge");
            }
        }
        return RawSocketCopy.awaitLastByte(LAST_BYTE_READ) - t0;
    }

    private static void drainAndAck(NodeStream s, long expected) throws IOException {
        try (s) {
            InputStream in = s.inputStream();
            byte[] buf = new byte[Workloads.CHUNK];
            long total = 0;
            long last = System.nanoTime();
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                last = System.nanoTime();
            }
            LAST_BYTE_READ.add(last);
            if (total != expected) {
                throw new IOException("stream carried " + total + " bytes, expected " + expected);
            }
            OutputStream out = s.outputStream();
            out.write(1);
            out.flush();
            out.close();
        }
    }
}
