package io.tamtam.benchmarks.workloads;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.Node;
import io.tamtam.NodeStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * W5: one 8 MiB payload from A to B as a reliable message, through a stream, and through a plain
 * socket, each {@link #REPEATS} times after one warm-up; throughput is total bytes over total time.
 */
final class LargeTransfer {
    private static final int SIZE = 8 << 20;
    private static final int REPEATS = 10;
    private static final MessageType<byte[]> MSG_TYPE = MessageType.of(202, byte[].class);
    private static final int STREAM_TYPE = 203;
    private static final double MB = 1024 * 1024;

    private LargeTransfer() {
    }

    /**
     * @throws TimeoutException     when the nodes do not converge or a transfer takes over a minute
     * @throws InterruptedException when interrupted
     * @throws ExecutionException   when a transfer fails
     * @throws IOException          when a stream or socket fails
     */
    static void run() throws TimeoutException, InterruptedException, ExecutionException, IOException {
        List<Cluster> nodes = Nodes.converged(2);
        try (RawSocketCopy raw = new RawSocketCopy()) {
            Cluster a = nodes.get(0);
            Cluster bNode = nodes.get(1);
            Node b = a.member(bNode.localNode().id()).orElseThrow();
            bNode.handle(MSG_TYPE, p -> {
                if (p.payload().length != SIZE) {
                    throw new IllegalStateException("got " + p.payload().length + " bytes");
                }
            });
            bNode.handleStream(STREAM_TYPE, LargeTransfer::drainAndAck);
            byte[] payload = new byte[SIZE];
            for (int i = 0; i < SIZE; i++) {
                payload[i] = (byte) (i * 31 + (i >>> 11));
            }
            long large = 0;
            long stream = 0;
            long rawNanos = 0;
            for (int r = -1; r < REPEATS; r++) {
                long t0 = System.nanoTime();
                a.sendReliable(b, MSG_TYPE, payload).get(60, TimeUnit.SECONDS);
                long t1 = System.nanoTime();
                streamCopy(a, b, payload);
                long t2 = System.nanoTime();
                long rt = raw.copy(payload);
                if (r >= 0) {
                    large += t1 - t0;
                    stream += t2 - t1;
                    rawNanos += rt;
                }
                Results.log("W5 round " + r + ": message " + (t1 - t0) / 1_000_000 + " ms, stream "
                        + (t2 - t1) / 1_000_000 + " ms, raw " + rt / 1_000_000 + " ms");
            }
            double totalMb = REPEATS * (SIZE / MB);
            double streamRate = totalMb / (stream / 1e9);
            double rawRate = totalMb / (rawNanos / 1e9);
            Map<String, Object> how = Map.of("repeats", REPEATS, "payload_mib", 8);
            Results.emit("W5", 2, "large_mb_per_s", totalMb / (large / 1e9), how);
            Results.emit("W5", 2, "stream_mb_per_s", streamRate, how);
            Results.emit("W5", 2, "raw_tcp_mb_per_s", rawRate, how);
            Results.emit("W5", 2, "stream_vs_raw", streamRate / rawRate);
        } finally {
            Nodes.closeAll(nodes);
        }
    }

    private static void streamCopy(Cluster a, Node b, byte[] payload)
            throws InterruptedException, ExecutionException, TimeoutException, IOException {
        try (NodeStream s = a.openStream(b, STREAM_TYPE).get(30, TimeUnit.SECONDS)) {
            OutputStream out = s.outputStream();
            for (int off = 0; off < payload.length; off += Workloads.CHUNK) {
                out.write(payload, off, Math.min(Workloads.CHUNK, payload.length - off));
            }
            out.close();
            if (s.inputStream().read() != 1) {
                throw new IOException("stream receiver did not acknowledge");
            }
        }
    }

    private static void drainAndAck(NodeStream s) throws IOException {
        try (s) {
            InputStream in = s.inputStream();
            byte[] buf = new byte[Workloads.CHUNK];
            long total = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
            }
            if (total != SIZE) {
                throw new IOException("stream carried " + total + " bytes, expected " + SIZE);
            }
            OutputStream out = s.outputStream();
            out.write(1);
            out.flush();
            out.close();
        }
    }
}
