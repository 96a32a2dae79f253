package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MessageType;
import io.tamtam.Node;
import io.tamtam.RequestType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Large reliable messages and replies on real sockets, with and without compression: payloads of 64 KiB
 * and more go as two parts (the payload not copied into the packet) and arrive whole and in order, also
 * around the transport's send chunk and through its kept receive buffer.
 */
class LargeMessagesClusterTest {
    private static final MessageType<byte[]> BLOB = MessageType.of(710, byte[].class);
    private static final RequestType<byte[], byte[]> MIRROR = RequestType.of(711, byte[].class, byte[].class);

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void largeReliableMessagesAndRepliesArriveWholeAndInOrder(boolean compression) throws Exception {
        Cluster a = nodes.start(ClusterConfig.local().compressionDisabled(!compression));
        Cluster b = nodes.start(ClusterConfig.local().compressionDisabled(!compression));
        Nodes.join(b, a);
        Nodes.awaitAlive(List.of(a, b), 2, Duration.ofSeconds(10));
        List<byte[]> received = new CopyOnWriteArrayList<>();
        b.handle(BLOB, p -> received.add(p.payload()));
        b.handleRequest(MIRROR, p -> reversed(p.payload()));
        Node bAtA = a.member(b.localNode().id()).orElseThrow();
        int[] sizes = {64 * 1024 - 1, 64 * 1024, (1 << 20) - 100, (1 << 20) + 100, 3 << 20, 2 << 20};
        List<byte[]> sent = new ArrayList<>();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            sent.add(random(sizes[i], i));
            acks.add(a.sendReliable(bAtA, BLOB, sent.get(i)));
        }
        for (CompletableFuture<Void> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= sizes.length);
        assertEquals(sizes.length, received.size());
        for (int i = 0; i < sizes.length; i++) {
            assertArrayEquals(sent.get(i), received.get(i), "message " + i + " of " + sizes[i] + " bytes");
        }

        byte[] request = random(3 << 20, 99);
        byte[] reply = a.request(bAtA, MIRROR, request, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
        assertArrayEquals(reversed(request), reply, "the 3 MiB reply");
    }

    private static byte[] reversed(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }
}
