package io.tamtam.internal;

import io.tamtam.ClusterConfig;
import io.tamtam.ClusterStats;
import io.tamtam.internal.runtime.TestSchedulers;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A large frame whose buffer the transport lends is decoded from that buffer off the caller's thread, then given back. */
class ReceiverTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 9);

    @Test
    void aLentLargeFrameIsDecodedFromItsBufferOnTheWorkersAndReleasedOnceAfterwards() {
        ClusterConfig config = ClusterConfig.local().build();
        UUID self = UUID.randomUUID();
        UUID sender = UUID.randomUUID();
        List<String> threads = new CopyOnWriteArrayList<>();
        List<byte[]> payloads = new CopyOnWriteArrayList<>();
        Dispatch dispatch = new Dispatch();
        dispatch.onReceivingThread(Message.User.class, (u, from, at, viaFrame) -> {
            threads.add(Thread.currentThread().getName());
            payloads.add(u.payload());
        });
        Stats stats = new Stats();
        Receiver receiver = new Receiver(self, config, new PacketCodec(self, null, Integer.MAX_VALUE, List.of(),
                config.maxFrameSize()), dispatch, TestSchedulers.INLINE_NO_TIMERS, stats, () -> true, s -> { },
                (c, e) -> { });

        byte[] payload = new byte[200 * 1024];
        Arrays.fill(payload, (byte) 7);
        byte[] packet = new PacketCodec(sender, null, Integer.MAX_VALUE, List.of(), config.maxFrameSize())
                .encode(new Message.User(1000, payload));
        // The frame sits inside a larger buffer, as in a transport's pooled memory.
        byte[] lent = new byte[packet.length + 100];
        System.arraycopy(packet, 0, lent, 50, packet.length);
        AtomicInteger releases = new AtomicInteger();
        receiver.onLargeFrame(REMOTE, ByteBuffer.wrap(lent, 50, packet.length), releases::incrementAndGet);

        await().until(() -> releases.get() == 1);
        assertEquals(1, payloads.size());
        assertArrayEquals(payload, payloads.get(0));
        assertTrue(threads.get(0).startsWith("tamtam-worker"), threads.toString());
        assertEquals(packet.length, stats.bytesReceived(ClusterStats.Path.FRAME));
    }

    @Test
    void aLargeFrameEndingWithItsPayloadIsReceivedInTwoPartsAndItsTailBecomesThePayload() {
        ClusterConfig config = ClusterConfig.local().build();
        UUID self = UUID.randomUUID();
        List<byte[]> payloads = new CopyOnWriteArrayList<>();
        Dispatch dispatch = new Dispatch();
        dispatch.onReceivingThread(Message.User.class, (u, from, at, viaFrame) -> payloads.add(u.payload()));
        Stats stats = new Stats();
        Receiver receiver = new Receiver(self, config, new PacketCodec(self, null, Integer.MAX_VALUE, List.of(),
                config.maxFrameSize()), dispatch, TestSchedulers.INLINE_NO_TIMERS, stats, () -> true, s -> { },
                (c, e) -> { });
        byte[] payload = new byte[200 * 1024];
        Arrays.fill(payload, (byte) 9);
        byte[] packet = new PacketCodec(UUID.randomUUID(), null, Integer.MAX_VALUE, List.of(), config.maxFrameSize())
                .encode(new Message.User(1000, payload));

        byte[] tail = receiver.largeFrameTail(REMOTE, ByteBuffer.wrap(packet, 0, 512), packet.length);
        assertEquals(payload.length, tail.length);
        int head = packet.length - tail.length;
        System.arraycopy(packet, head, tail, 0, tail.length);
        AtomicInteger releases = new AtomicInteger();
        receiver.onLargeFrame(REMOTE, ByteBuffer.wrap(packet, 0, head), tail, releases::incrementAndGet);

        await().until(() -> releases.get() == 1);
        assertEquals(1, payloads.size());
        org.junit.jupiter.api.Assertions.assertSame(tail, payloads.get(0));
        assertArrayEquals(payload, payloads.get(0));
        assertEquals(packet.length, stats.bytesReceived(ClusterStats.Path.FRAME));
        org.junit.jupiter.api.Assertions.assertNull(
                receiver.largeFrameTail(REMOTE, ByteBuffer.wrap(packet, 0, 512), config.maxFrameSize() + 1),
                "a frame over maxFrameSize is not split");
    }

    @Test
    void packetsWaitingForTheProtocolThreadAreCountedAtTheirDecodedSize() {
        ClusterConfig config = ClusterConfig.local().build();
        UUID self = UUID.randomUUID();
        List<Runnable> waiting = new java.util.ArrayList<>(); // the protocol thread is busy: its tasks wait
        io.tamtam.spi.Scheduler busy = new io.tamtam.spi.Scheduler() {
            @Override
            public void execute(Runnable task) {
                waiting.add(task);
            }

            @Override
            public Cancellable schedule(Runnable task, long delayNanos) {
                return () -> { };
            }
        };
        Dispatch dispatch = new Dispatch();
        dispatch.onProtocolThreadUrgent(Message.Broadcast.class, (b, sender, from, viaFrame) -> { });
        Stats stats = new Stats();
        Receiver receiver = new Receiver(self, config, new PacketCodec(self, new io.tamtam.internal.wire.DeflateCompressor(),
                0, List.of(), config.maxFrameSize()), dispatch, busy, stats, () -> true, s -> { }, (c, e) -> { });
        UUID peer = UUID.randomUUID();
        PacketCodec sender = new PacketCodec(peer, new io.tamtam.internal.wire.DeflateCompressor(), 0, List.of(),
                config.maxFrameSize());
        int payload = 44_000; // compresses to ~100 bytes; within the datagram decode limit of 32 x 1400
        int sent = 2_000;
        for (int i = 0; i < sent; i++) {
            byte[] datagram = sender.encode(new Message.Broadcast(peer, i, 1000, new byte[payload]));
            assertTrue(datagram.length < 1400);
            receiver.onDatagram(REMOTE, ByteBuffer.wrap(datagram));
        }
        long held = (long) waiting.size() * payload;
        assertTrue(held <= Receiver.MAX_PROTOCOL_BACKLOG_BYTES, "packets waiting hold " + held + " bytes");
        assertTrue(waiting.size() > 0);
        assertEquals(sent - waiting.size(), stats.dropped(io.tamtam.DropReason.QUEUE_FULL));
        waiting.forEach(Runnable::run);
        assertEquals(0, receiver.protocolBacklog().bytes());
    }
}
