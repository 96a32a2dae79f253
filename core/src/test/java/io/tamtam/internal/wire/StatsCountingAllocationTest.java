package io.tamtam.internal.wire;

import io.tamtam.ClusterStats.Path;
import io.tamtam.internal.Stats;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counting a message or packet in the node's stats allocates nothing, for protocol kinds and user types alike. */
class StatsCountingAllocationTest {

    private static final int ROUNDS = 100_000;
    private static final UUID MEMBER = UUID.randomUUID();

    @Test
    void countingMessagesAndPacketsAllocatesNothingPerMessage() {
        AllocationMeter meter = new AllocationMeter();
        Assumptions.assumeTrue(meter.supported(), "this JVM does not report per-thread allocation");
        Stats stats = new Stats();
        Message user = new Message.User(40_000, new byte[8]);
        Message ping = new Message.Ping(1, MEMBER);
        byte[] broadcastItem = PacketCodec.item(new Message.Broadcast(UUID.randomUUID(), 1, 50_000, new byte[8]));
        count(stats, user, ping, broadcastItem); // warm up: compiled code, every user type already claimed
        long before = meter.allocatedBytes();
        count(stats, user, ping, broadcastItem);
        long allocated = meter.allocatedBytes() - before;
        assertTrue(allocated < 1024, allocated + " bytes for " + ROUNDS + " rounds of counting");
        assertEquals(2L * ROUNDS, stats.messagesReceived(40_000));
        assertEquals(2L * ROUNDS, stats.messagesSent(50_000));
        assertEquals(2L * ROUNDS, stats.packetsSent(Path.DATAGRAM));
    }

    private static void count(Stats stats, Message user, Message ping, byte[] item) {
        for (int i = 0; i < ROUNDS; i++) {
            stats.messageReceived(user);
            stats.messageReceived(ping);
            stats.message(ping);
            stats.item(item);
            stats.sent(Path.DATAGRAM, 100);
            stats.received(Path.FRAME, 100);
            stats.streamWritten(10);
            stats.probeRoundTrip(MEMBER, 1000 + i);
        }
    }
}
