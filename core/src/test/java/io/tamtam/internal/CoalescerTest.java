package io.tamtam.internal;

import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;
import io.tamtam.internal.peer.Peer;
import io.tamtam.internal.peer.Peers;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.spi.Scheduler;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Best-effort messages gathered into datagrams and paced: what goes at once, and what closing counts. */
class CoalescerTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 9);

    /** Keeps every task until the test runs it. */
    private static final class HeldTasks implements Scheduler {
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            tasks.add(task);
            return () -> { };
        }

        void runAll() {
            List<Runnable> now = new ArrayList<>(tasks);
            tasks.clear();
            now.forEach(Runnable::run);
        }
    }

    private final CountingNetwork net = new CountingNetwork();
    private final HeldTasks scheduler = new HeldTasks();
    private final Stats stats = new Stats();
    private final Peers peers = new Peers(Runnable::run, null, id -> false, a -> null);
    private final Peer peer = peers.sender(UUID.randomUUID());

    private Coalescer coalescer(int burstLimit) {
        UUID self = UUID.randomUUID();
        PacketCodec codec = new PacketCodec(self, null, Integer.MAX_VALUE, List.of(), ClusterConfig.local().build().maxFrameSize());
        long frozen = 1_000_000_000L;
        Outbox outbox = new Outbox(codec, net, net, stats, 1400, 1 << 20, () -> frozen, peers, burstLimit);
        return new Coalescer(outbox, scheduler, () -> frozen, stats, burstLimit);
    }

    private static byte[] item(int i) {
        byte[] payload = new byte[100];
        payload[0] = (byte) i;
        return PacketCodec.item(new Message.User(1000, payload));
    }

    @Test
    void fullDatagramsGoAtOnceAndTheRestWithTheFlush() {
        Coalescer c = coalescer(0);
        for (int i = 0; i < 30; i++) {
            c.send(peer, REMOTE, item(i));
        }
        int atOnce = net.datagrams;
        assertTrue(atOnce >= 1 && atOnce < 30, "full datagrams of several messages went from the sending thread: " + atOnce);
        scheduler.runAll();
        assertEquals(atOnce + 1, net.datagrams, "the flush sent what had gathered, in one datagram");
        assertEquals(0, c.close(), "nothing was left to count");
        assertEquals(0, stats.dropped(DropReason.SEND_FAILED));
    }

    @Test
    void datagramsGatheringOrHeldWhenTheNodeClosesAreCountedNotSent() {
        Coalescer c = coalescer(1);
        for (int i = 0; i < 40; i++) {
            c.send(peer, REMOTE, item(i));
        }
        assertEquals(1, net.datagrams, "the burst window (1 datagram, clock frozen) let one datagram go");
        int counted = c.close();
        assertTrue(counted >= 2, "the held datagrams and the gathering one were counted: " + counted);
        assertEquals(counted, stats.dropped(DropReason.SEND_FAILED));
        scheduler.runAll();
        assertEquals(1, net.datagrams, "flushes and releases after the close send nothing");
        assertEquals(0, c.close(), "counted once");
    }
}
