package io.tamtam.internal.wire;

import io.tamtam.DropReason;
import io.tamtam.NodeAddress;
import io.tamtam.NodeState;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The member record's optional address extension: state bit 0x80, then a counted list of address texts. */
class MemberAddressesCodecTest {
    private static final InetSocketAddress AT = new InetSocketAddress("127.0.0.1", 7946);
    private static final List<NodeAddress> BOTH = List.of(NodeAddress.parse("udp+tcp://127.0.0.1:7946"),
            NodeAddress.parse("ws://[::1]:8080/tamtam"), NodeAddress.parse("wss://gw.example:443/tt"));

    private static byte[] encode(MemberInfo mi) {
        WireWriter w = new WireWriter(64);
        MessageCodec.writeMember(mi, w);
        return w.toByteArray();
    }

    private static MemberInfo decode(byte[] b) throws WireException {
        WireReader r = new WireReader(b, 0, b.length);
        MemberInfo mi = MessageCodec.readMember(r);
        r.expectEnd();
        return mi;
    }

    private static MemberInfo member(NodeState state, List<NodeAddress> addresses) {
        return new MemberInfo(new UUID(1, 2), 3, state, AT, 1, "v1", Map.of("k", "v"), addresses);
    }

    @Test
    void addressesRoundTripInEveryState() throws WireException {
        for (NodeState s : NodeState.values()) {
            MemberInfo mi = member(s, BOTH);
            byte[] b = encode(mi);
            assertEquals(s.ordinal() | MessageCodec.MEMBER_ADDRESSES_FLAG, b[24] & 0xFF, "state byte");
            assertEquals(mi, decode(b));
        }
    }

    @Test
    void aRecordWithoutTheExtensionIsTheOldRecord() throws WireException {
        MemberInfo plain = member(NodeState.ALIVE, List.of());
        byte[] b = encode(plain);
        assertEquals(0, b[24]);
        MemberInfo with = member(NodeState.ALIVE, BOTH);
        byte[] ext = encode(with);
        // The extension only adds the flag bit and its bytes after the metadata.
        assertArrayEquals(Arrays.copyOfRange(b, 25, b.length), Arrays.copyOfRange(ext, 25, b.length));
        assertEquals(plain, decode(b));
        assertTrue(decode(b).addresses().isEmpty());
    }

    @Test
    void extensionBytesAreCountThenStr8Texts() {
        byte[] b = encode(member(NodeState.ALIVE, List.of(NodeAddress.parse("ws://h:1/p"))));
        byte[] text = "ws://h:1/p".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = Arrays.copyOfRange(b, b.length - text.length - 2, b.length);
        assertEquals(1, tail[0]);
        assertEquals(text.length, tail[1]);
        assertArrayEquals(text, Arrays.copyOfRange(tail, 2, tail.length));
    }

    @Test
    void aPushPullCarriesMembersWithAndWithoutTheExtension() throws WireException {
        PacketCodec c = new PacketCodec(new UUID(9, 9), null, Integer.MAX_VALUE, List.of(), 1 << 20);
        Message.PushPull pp = new Message.PushPull(7, WireFormat.PUSH_PULL_JOIN, List.of(member(NodeState.ALIVE, BOTH),
                new MemberInfo(new UUID(3, 4), 1, NodeState.SUSPECT, AT, 1, "", Map.of()), member(NodeState.DEAD, BOTH)));
        byte[] packet = c.encode(pp);
        assertEquals(pp.members(), ((Message.PushPull) c.decode(packet, 0, packet.length).messages().get(0)).members());
    }

    @Test
    void malformedExtensionsAreRefused() {
        byte[] good = encode(member(NodeState.ALIVE, List.of(NodeAddress.parse("ws://h:1/p"))));
        int countAt = good.length - "ws://h:1/p".length() - 2;

        byte[] zero = Arrays.copyOf(good, countAt + 1);
        zero[countAt] = 0;
        assertMalformed(zero, "an empty extension");

        byte[] tooMany = good.clone();
        tooMany[countAt] = (byte) (MessageCodec.MAX_MEMBER_ADDRESSES + 1);
        assertMalformed(tooMany, "more addresses than allowed");

        byte[] noPort = good.clone();
        System.arraycopy("ws://h:1/p".replace(':', '_').getBytes(StandardCharsets.US_ASCII), 0, noPort, countAt + 2, 10);
        assertMalformed(noPort, "a text that is no address");

        byte[] badScheme = good.clone();
        badScheme[countAt + 2] = '1';
        assertMalformed(badScheme, "a scheme starting with a digit");

        byte[] badState = good.clone();
        badState[24] = (byte) (MessageCodec.MEMBER_ADDRESSES_FLAG | NodeState.values().length);
        assertMalformed(badState, "a state beyond the known ones");

        WireException truncated = assertThrows(WireException.class, () -> decode(Arrays.copyOf(good, good.length - 3)));
        assertEquals(DropReason.TRUNCATED, truncated.reason());
        WireException flagWithoutList = assertThrows(WireException.class, () -> decode(Arrays.copyOf(good, countAt)));
        assertEquals(DropReason.TRUNCATED, flagWithoutList.reason());
    }

    @Test
    void addressesBeyondTheByteBoundAreRefused() throws WireException {
        List<NodeAddress> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            three.add(NodeAddress.parse("ws://h" + i + ":1/" + "p".repeat(200)));
        }
        // The sender's configuration refuses this list; a hand-made record carrying it is refused on receipt.
        assertMalformed(encode(member(NodeState.ALIVE, three)), "three addresses of 213 bytes");
        assertEquals(three.subList(0, 2), decode(encode(member(NodeState.ALIVE, three.subList(0, 2)))).addresses());
    }

    @Test
    void nodeAddressTextRoundTripsAndRefusesWhatItCannotCarry() {
        for (NodeAddress a : BOTH) {
            assertEquals(a, NodeAddress.parse(a.toString()));
        }
        assertEquals("::1", NodeAddress.parse("ws://[::1]:8080/x").host());
        assertEquals(NodeAddress.parse("udp+tcp://127.0.0.1:7946"), NodeAddress.udpTcp(AT));
        for (String bad : List.of("ws://h/p", "h:1", "ws://h:1/p?q=1", "udp+tcp://h:1/p", "ws://u@h:1/p", "ws://h:70000/p")) {
            assertThrows(IllegalArgumentException.class, () -> NodeAddress.parse(bad), bad);
        }
        List<String> longPath = new ArrayList<>(List.of("ws://h:1/"));
        longPath.add("x".repeat(300));
        assertThrows(IllegalArgumentException.class, () -> NodeAddress.parse(String.join("", longPath)));
    }

    private static void assertMalformed(byte[] b, String what) {
        WireException e = assertThrows(WireException.class, () -> decode(b), what);
        assertEquals(DropReason.MALFORMED, e.reason(), what);
    }
}
