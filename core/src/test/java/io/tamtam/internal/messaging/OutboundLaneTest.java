package io.tamtam.internal.messaging;

import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.WireFormat;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batching of one remote's reliable messages while a write of its lane is pending. */
class OutboundLaneTest {
    private static final InetSocketAddress TO = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress ELSEWHERE = new InetSocketAddress("127.0.0.1", 7002);

    private final OutboundLane lane = new OutboundLane();

    private List<OutboundLane.Entry> offer(int bytes, InetSocketAddress to) {
        synchronized (lane.lock()) {
            long order = lane.takeOrder();
            return lane.offer(new OutboundLane.Entry(new Message.Reliable(order, 9, order, 200, new byte[bytes]), to));
        }
    }

    private static List<Long> orders(List<OutboundLane.Entry> batch) {
        List<Long> out = new ArrayList<>();
        for (OutboundLane.Entry e : batch) {
            out.add(e.message().order());
        }
        return out;
    }

    @Test
    void anIdleLaneWritesAtOnceAndABusyOneBatchesInOrder() {
        List<OutboundLane.Entry> first = offer(100, TO);
        assertNotNull(first, "the idle lane writes the first message at once");
        assertEquals(List.of(1L), orders(first));
        for (int i = 0; i < 300; i++) {
            assertNull(offer(100, TO), "a write is pending: the message waits");
        }
        assertEquals(300, lane.waiting());
        List<OutboundLane.Entry> second = lane.next();
        assertEquals(WireFormat.COMPOUND_MAX_ITEMS, second.size(), "at most one compound packet's worth");
        assertEquals(2L, second.get(0).message().order());
        assertEquals(256L, second.get(second.size() - 1).message().order());
        List<OutboundLane.Entry> third = lane.next();
        assertEquals(300 - WireFormat.COMPOUND_MAX_ITEMS, third.size());
        assertEquals(257L, third.get(0).message().order());
        assertNull(lane.next(), "nothing waits: the lane is idle");
        assertNotNull(offer(100, TO), "and writes the next message at once");
    }

    @Test
    void largePayloadsGoAloneAndBatchesStayWithinTheirBytesAndAddress() {
        offer(1, TO);
        offer(100, TO);
        offer(OutboundLane.ALONE_BYTES + 1, TO);
        offer(100, TO);
        for (int i = 0; i < 8; i++) {
            offer(OutboundLane.ALONE_BYTES, TO);
        }
        offer(100, ELSEWHERE);
        assertEquals(List.of(2L), orders(lane.next()), "stops before a large payload");
        assertEquals(List.of(3L), orders(lane.next()), "a large payload alone");
        assertEquals(List.of(4L, 5L, 6L, 7L), orders(lane.next()), "within BATCH_BYTES");
        assertEquals(List.of(8L, 9L, 10L, 11L), orders(lane.next()));
        assertEquals(List.of(12L), orders(lane.next()), "stops before another address");
        List<OutboundLane.Entry> last = lane.next();
        assertEquals(ELSEWHERE, last.get(0).to());
        assertNull(lane.next());
    }

    @Test
    void theQueueIsBoundedInBytes() {
        offer(100, TO);
        assertFalse(lane.full((int) OutboundLane.MAX_QUEUED_BYTES), "an empty queue takes any message");
        int chunk = 1 << 20;
        for (int i = 0; i < OutboundLane.MAX_QUEUED_BYTES / chunk; i++) {
            assertNull(offer(chunk, TO));
        }
        synchronized (lane.lock()) {
            assertTrue(lane.full(1), "past the bound");
        }
        while (lane.next() != null) {
            // drains in batches of one large payload each
        }
        synchronized (lane.lock()) {
            assertFalse(lane.full(chunk), "drained");
        }
    }
}
