package io.tamtam.transport.tcp.cluster;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Node;
import io.tamtam.codec.SnappyCompressor;
import io.tamtam.spi.Compressor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A large frame is decompressed and decoded on the shared workers, not on the event loop that every
 * node of the JVM shares (where it would delay other nodes' probes).
 */
class LargeFrameDecodeClusterTest {
    private static final MessageType<byte[]> BLOB = MessageType.of(700, byte[].class);

    /** Snappy, noting the thread of every decompression of a large body. */
    private static final class ThreadNoting implements Compressor {
        final Compressor snappy = new SnappyCompressor();
        final List<String> largeOn = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return snappy.name();
        }

        @Override
        public int id() {
            return snappy.id();
        }

        @Override
        public byte[] compress(byte[] src, int offset, int length) throws IOException {
            return snappy.compress(src, offset, length);
        }

        @Override
        public byte[] decompress(byte[] src, int offset, int length, int maxLength) throws IOException {
            if (length > 64 * 1024) {
                largeOn.add(Thread.currentThread().getName());
            }
            return snappy.decompress(src, offset, length, maxLength);
        }
    }

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void largeFramesAreDecodedOffTheEventLoop() throws Exception {
        ThreadNoting compressor = new ThreadNoting();
        Cluster a = nodes.start(ClusterConfig.local().compressor(compressor));
        Cluster b = nodes.start(ClusterConfig.local().compressor(compressor));
        Nodes.join(b, a);
        Nodes.awaitAlive(List.of(a, b), 2, Duration.ofSeconds(10));
        List<byte[]> received = new CopyOnWriteArrayList<>();
        b.handle(BLOB, p -> received.add(p.payload()));
        // Compressible in the middle (where the codec samples a large body), random elsewhere: the body
        // goes compressed and stays large.
        byte[] payload = new byte[600 * 1024];
        new Random(7).nextBytes(payload);
        java.util.Arrays.fill(payload, 280 * 1024, 320 * 1024, (byte) 0);
        Node bAtA = a.member(b.localNode().id()).orElseThrow();
        a.sendReliable(bAtA, BLOB, payload).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertArrayEquals(payload, received.get(0));
        assertFalse(compressor.largeOn.isEmpty(), "the payload went compressed");
        assertTrue(compressor.largeOn.stream().allMatch(t -> t.startsWith("tamtam-worker")), compressor.largeOn::toString);
    }
}
