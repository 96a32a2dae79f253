package io.tamtam.internal;

import io.tamtam.ClusterStats;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireFormat;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TypeCountsTest {

    @Test
    void kindsAndUserTypesCountSeparatelyAndTypesBeyondTheBoundGoToOther() {
        TypeCounts c = new TypeCounts();
        c.kind(WireFormat.PING);
        c.kind(WireFormat.PING);
        c.kind(WireFormat.USER);
        for (int t = 128; t < 128 + ClusterStats.TRACKED_USER_TYPES; t++) {
            c.user(t);
        }
        c.user(128);
        c.user(65_535);
        c.user(65_535);
        assertEquals(2, c.get(WireFormat.PING));
        assertEquals(1, c.get(WireFormat.USER));
        assertEquals(2, c.get(128));
        assertEquals(1, c.get(127 + ClusterStats.TRACKED_USER_TYPES));
        assertEquals(0, c.get(65_535), "past the bound: not tracked by itself");
        assertEquals(2, c.get(ClusterStats.OTHER_USER_TYPES));
        Map<Integer, Long> all = c.all();
        assertEquals(2 + ClusterStats.TRACKED_USER_TYPES + 1, all.size());
        assertEquals(2L, all.get(ClusterStats.OTHER_USER_TYPES));
        assertFalse(all.containsKey(WireFormat.ACK), "zero counts are left out");
    }

    @Test
    void anItemAndTheSameMessageEncodedOnItsOwnCountTheSameUserType() {
        UUID origin = UUID.randomUUID();
        Message[] messages = {
                new Message.User(40_000, new byte[3]),
                new Message.Request(7, 40_001, new byte[3]),
                new Message.Broadcast(origin, 9, 40_002, new byte[3]),
                new Message.Reliable(1, 2, 3, 40_003, new byte[3]),
        };
        Stats fromItems = new Stats();
        Stats fromMessages = new Stats();
        for (Message m : messages) {
            fromItems.item(PacketCodec.item(m));
            fromMessages.message(m);
        }
        for (int t = 40_000; t <= 40_003; t++) {
            assertEquals(1, fromItems.messagesSent(t), "type " + t);
            assertEquals(1, fromMessages.messagesSent(t), "type " + t);
        }
        assertEquals(fromMessages.messagesSentByType(), fromItems.messagesSentByType());
        assertEquals(1, fromItems.messagesSent(WireFormat.RELIABLE));
    }

    @Test
    void aPacketsMessagesCountedTogetherCountAsOneByOne() {
        java.util.List<Message> packet = java.util.List.of(
                new Message.Reliable(1, 2, 3, 40_000, new byte[3]),
                new Message.Reliable(2, 2, 4, 40_000, new byte[3]),
                new Message.Reliable(3, 2, 5, 40_001, new byte[3]),
                new Message.ReliableAck(9, WireFormat.STATUS_OK, ""),
                new Message.ReliableAck(10, WireFormat.STATUS_OK, ""),
                new Message.Reliable(4, 2, 6, 40_000, new byte[3]));
        Stats together = new Stats();
        Stats oneByOne = new Stats();
        together.messages(packet);
        together.messagesReceived(packet);
        for (Message m : packet) {
            oneByOne.message(m);
            oneByOne.messageReceived(m);
        }
        assertEquals(3, together.messagesSent(40_000));
        assertEquals(1, together.messagesSent(40_001));
        assertEquals(4, together.messagesSent(WireFormat.RELIABLE));
        assertEquals(2, together.messagesReceived(WireFormat.RELIABLE_ACK));
        assertEquals(3, together.messagesReceived(40_000));
        assertEquals(oneByOne.messagesSentByType(), together.messagesSentByType());
        for (int t : new int[] {WireFormat.RELIABLE, WireFormat.RELIABLE_ACK, 40_000, 40_001}) {
            assertEquals(oneByOne.messagesReceived(t), together.messagesReceived(t), "type " + t);
        }
    }
}
