package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MessageType;
import io.tamtam.Node;
import io.tamtam.internal.wire.PayloadArrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large payloads to a {@code ByteBuffer} handler are decoded into memory reused from one message to the
 * next: each handler call still sees its own message's bytes, and a {@code byte[]} handler's arrays are
 * never reused, whichever handler the messages in between went to.
 */
class PayloadViewClusterTest {
    private static final MessageType<ByteBuffer> VIEW = MessageType.of(710, ByteBuffer.class);
    private static final MessageType<byte[]> OWNED = MessageType.of(711, byte[].class);
    private static final int SIZE = (3 << 20) + 5;

    private final Nodes nodes = new Nodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void eachViewHandlerCallSeesItsOwnPayloadAndOwnedArraysStayIntact() throws Exception {
        Cluster a = nodes.start(ClusterConfig.local());
        Cluster b = nodes.start(ClusterConfig.local());
        Nodes.join(b, a);
        Nodes.awaitAlive(List.of(a, b), 2, Duration.ofSeconds(10));
        List<byte[]> viewed = new CopyOnWriteArrayList<>();
        List<Boolean> readOnly = new CopyOnWriteArrayList<>();
        b.handle(VIEW, p -> {
            ByteBuffer v = p.payload();
            readOnly.add(v.isReadOnly());
            byte[] copy = new byte[v.remaining()];
            v.get(copy);
            viewed.add(copy);
        });
        List<byte[]> owned = new CopyOnWriteArrayList<>();
        b.handle(OWNED, p -> owned.add(p.payload()));
        Node bAtA = a.member(b.localNode().id()).orElseThrow();

        byte[][] sent = new byte[6][];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = new byte[SIZE];
            new Random(i).nextBytes(sent[i]);
            if (i % 3 == 1) {
                a.sendReliable(bAtA, OWNED, sent[i]).get(10, TimeUnit.SECONDS);
            } else {
                // a byte[] sender and a ByteBuffer one are the same on the wire: send both ways
                Object payload = i % 3 == 0 ? ByteBuffer.wrap(sent[i]) : sent[i];
                sendView(a, bAtA, payload);
            }
        }
        assertEquals(4, viewed.size());
        assertEquals(2, owned.size());
        int v = 0;
        int o = 0;
        for (int i = 0; i < sent.length; i++) {
            if (i % 3 == 1) {
                assertArrayEquals(sent[i], owned.get(o++), "the byte[] handler's array of message " + i);
            } else {
                assertArrayEquals(sent[i], viewed.get(v++), "the view of message " + i);
            }
        }
        assertTrue(readOnly.stream().allMatch(r -> r));
        assertTrue(PayloadArrays.keptBytes() >= SIZE, "the last view's array was kept for the next payload");
        ByteBuffer part = ByteBuffer.wrap(sent[0], 10, SIZE - 20);
        a.sendReliable(bAtA, VIEW, part).get(10, TimeUnit.SECONDS);
        assertArrayEquals(java.util.Arrays.copyOfRange(sent[0], 10, SIZE - 10), viewed.get(4),
                "a buffer's remaining bytes are its payload");
        assertEquals(10, part.position(), "sending does not move the buffer");
    }

    private static void sendView(Cluster a, Node to, Object payload) throws Exception {
        if (payload instanceof ByteBuffer bb) {
            a.sendReliable(to, VIEW, bb).get(10, TimeUnit.SECONDS);
        } else {
            a.sendReliable(to, MessageType.of(VIEW.id(), byte[].class), (byte[]) payload).get(10, TimeUnit.SECONDS);
        }
    }
}
