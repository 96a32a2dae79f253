package io.tamtam.internal.wire;

import io.tamtam.DropReason;
import io.tamtam.NodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optional application-state blob of PUSH_PULL: flag bit, length-prefixed blob after the members. */
class PushPullAppStateCodecTest {
    private static final List<MemberInfo> MEMBERS = List.of(
            new MemberInfo(SampleMessages.A, 1, NodeState.ALIVE, new InetSocketAddress("127.0.0.1", 7946), 2, "", Map.of()),
            new MemberInfo(SampleMessages.B, 2, NodeState.SUSPECT, new InetSocketAddress("::1", 7947), 2, "2.0", Map.of("k", "v")));

    private static Message.PushPull decode(PacketCodec c, byte[] packet) throws WireException {
        List<Message> messages = c.decode(packet, 0, packet.length).messages();
        assertEquals(1, messages.size());
        return (Message.PushPull) messages.get(0);
    }

    @Test
    void theFlagBitFollowsThePresenceOfAppState() {
        Message.PushPull with = new Message.PushPull(1, WireFormat.PUSH_PULL_JOIN, MEMBERS, new byte[0]);
        assertEquals(WireFormat.PUSH_PULL_JOIN | WireFormat.PUSH_PULL_APP_STATE, with.flags());
        assertTrue(with.join());
        Message.PushPull without = new Message.PushPull(1,
                WireFormat.PUSH_PULL_REPLY | WireFormat.PUSH_PULL_APP_STATE, MEMBERS);
        assertEquals(WireFormat.PUSH_PULL_REPLY, without.flags());
        assertNull(without.appState());
    }

    @ParameterizedTest
    @EnumSource(PacketCodecRoundTripTest.Variant.class)
    void appStateOfEverySizeRoundTripsThroughEveryCodecVariant(PacketCodecRoundTripTest.Variant v) throws WireException {
        PacketCodec c = v.codec();
        for (int size : new int[] {0, 1, 300, 70_000}) {
            byte[] state = SampleMessages.text(size);
            Message.PushPull sent = new Message.PushPull(-3, WireFormat.PUSH_PULL_REPLY, MEMBERS, state);
            Message.PushPull got = decode(c, c.encode(sent));
            MessageAssert.assertMessage(sent, got);
            assertArrayEquals(state, got.appState());
            assertTrue(got.reply());
        }
        Message.PushPull plain = new Message.PushPull(9, 0, MEMBERS);
        Message.PushPull got = decode(c, c.encode(plain));
        assertNull(got.appState());
        assertEquals(0, got.flags());
    }

    @Test
    void withoutAppStateTheBytesAreThoseOfTheMembersAlone() {
        PacketCodec c = new PacketCodec(SampleMessages.A, null, Integer.MAX_VALUE, List.of(), 1 << 20);
        byte[] without = c.encode(new Message.PushPull(5, WireFormat.PUSH_PULL_JOIN, MEMBERS));
        byte[] with = c.encode(new Message.PushPull(5, WireFormat.PUSH_PULL_JOIN, MEMBERS, new byte[] {7, 8}));
        assertEquals(without.length + 4 + 2, with.length, "a u32 length and the two bytes");
        assertEquals(WireFormat.PUSH_PULL_JOIN | WireFormat.PUSH_PULL_APP_STATE, with[WireFormat.HEADER_SIZE + 4] & 0xFF);
        assertArrayEquals(new byte[] {0, 0, 0, 2, 7, 8}, java.util.Arrays.copyOfRange(with, with.length - 6, with.length));
    }

    @Test
    void everyTruncationOfTheAppStateIsRefusedAsTruncated() {
        PacketCodec c = new PacketCodec(SampleMessages.A, null, Integer.MAX_VALUE, List.of(), 1 << 20);
        byte[] full = c.encode(new Message.PushPull(5, WireFormat.PUSH_PULL_REPLY, MEMBERS, SampleMessages.text(40)));
        int withoutBlob = c.encode(new Message.PushPull(5, WireFormat.PUSH_PULL_REPLY, MEMBERS)).length;
        for (int len = withoutBlob; len < full.length; len++) {
            int n = len;
            WireException e = assertThrows(WireException.class, () -> c.decode(full, 0, n), () -> "length " + n);
            assertEquals(DropReason.TRUNCATED, e.reason(), () -> "length " + n);
        }
    }

    @Test
    void aBlobLengthOfTwoToThe31OrMoreIsRefusedBeforeAllocating() {
        PacketCodec c = new PacketCodec(SampleMessages.A, null, Integer.MAX_VALUE, List.of(), 1 << 20);
        byte[] packet = c.encode(new Message.PushPull(5, WireFormat.PUSH_PULL_REPLY, MEMBERS, new byte[] {1}));
        int lengthAt = packet.length - 5;
        for (int first : new int[] {0x80, 0xFF, 0x7F}) {
            byte[] forged = packet.clone();
            forged[lengthAt] = (byte) first;
            WireException e = assertThrows(WireException.class, () -> c.decode(forged, 0, forged.length));
            assertEquals(DropReason.TRUNCATED, e.reason());
        }
    }
}
