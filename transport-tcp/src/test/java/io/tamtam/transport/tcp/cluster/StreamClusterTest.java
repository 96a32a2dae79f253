package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.NodeStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Byte streams between real nodes: a large transfer checked end to end, and flow control. */
class StreamClusterTest {

    private static final int CHECKSUM = 300;
    private static final int CHUNK = 64 * 1024;

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    /** Reads to end of stream, then answers the byte count and CRC32 of what it read. */
    private static void answerChecksum(NodeStream stream) throws IOException {
        try (stream) {
            CRC32 crc = new CRC32();
            long total = 0;
            byte[] buf = new byte[CHUNK];
            InputStream in = stream.inputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                crc.update(buf, 0, n);
                total += n;
            }
            DataOutputStream out = new DataOutputStream(stream.outputStream());
            out.writeLong(total);
            out.writeLong(crc.getValue());
            out.close();
        }
    }

    /** Writes {@code total} pseudo-random bytes, counting them, and returns their CRC32. */
    private static long writeRandom(OutputStream out, long total, AtomicLong written) throws IOException {
        CRC32 crc = new CRC32();
        SplittableRandom random = new SplittableRandom(42);
        byte[] chunk = new byte[CHUNK];
        for (long left = total; left > 0; ) {
            for (int i = 0; i < chunk.length; i += 8) {
                long r = random.nextLong();
                for (int j = 0; j < 8; j++) {
                    chunk[i + j] = (byte) (r >>> (8 * j));
                }
            }
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            crc.update(chunk, 0, n);
            left -= n;
            written.addAndGet(n);
        }
        return crc.getValue();
    }

    private static void assertChecksum(NodeStream stream, long total, long crc) throws IOException {
        DataInputStream in = new DataInputStream(stream.inputStream());
        assertEquals(total, in.readLong(), "bytes the reader counted");
        assertEquals(crc, in.readLong(), "CRC32 the reader computed");
        assertEquals(-1, in.read(), "end of stream after the answer");
    }

    @Test
    void twoHundredFiftySixMebibytesArriveIntact() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local());
        Cluster a = pair.get(0);
        Cluster b = pair.get(1);
        b.handleStream(CHECKSUM, StreamClusterTest::answerChecksum);
        long total = 256L << 20;
        try (NodeStream stream = a.openStream(b.localNode(), CHECKSUM).get(10, TimeUnit.SECONDS)) {
            long crc;
            try (OutputStream out = stream.outputStream()) {
                crc = writeRandom(out, total, new AtomicLong());
            }
            assertChecksum(stream, total, crc);
        }
    }

    @Test
    void aStalledReaderBlocksTheWriterUntilItResumes() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local());
        Cluster a = pair.get(0);
        Cluster b = pair.get(1);
        CountDownLatch resume = new CountDownLatch(1);
        b.handleStream(CHECKSUM, stream -> {
            resume.await(60, TimeUnit.SECONDS);
            answerChecksum(stream);
        });
        long total = 128L << 20;
        long bound = 32L << 20;
        AtomicLong written = new AtomicLong();
        try (NodeStream stream = a.openStream(b.localNode(), CHECKSUM).get(10, TimeUnit.SECONDS)) {
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                try (OutputStream out = stream.outputStream()) {
                    return writeRandom(out, total, written);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> {
                Thread t = new Thread(r, "stream-writer");
                t.setDaemon(true);
                t.start();
            });
            try {
                // The writer accepts some bytes, then blocks: the count stops growing below the bound.
                await().atMost(Duration.ofSeconds(20)).until(() -> written.get() > 0);
                long[] last = {-1};
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    long now = written.get();
                    boolean stable = now == last[0];
                    last[0] = now;
                    return stable;
                });
                assertTrue(written.get() < bound, "the writer got " + written.get() + " bytes ahead of a stalled reader");
                assertTrue(!writer.isDone(), "the writer finished although the reader reads nothing");
            } finally {
                resume.countDown();
            }
            long crc = writer.get(60, TimeUnit.SECONDS);
            assertEquals(total, written.get());
            assertChecksum(stream, total, crc);
        }
    }
}
