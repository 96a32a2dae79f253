package io.tamtam.internal.wire;

import io.tamtam.MessageType;

import io.tamtam.DropReason;
import io.tamtam.NodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks the codec against the hand-written vectors of {@code src/test/resources/vectors}: each valid
 * vector decodes to the values written below and encodes back to the same bytes; each invalid one is
 * refused with the drop reason its file names.
 */
class ProtocolVectorsTest {
    private static final UUID SENDER = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
    private static final UUID OTHER_SENDER = UUID.fromString("fedcba98-7654-3210-89ab-cdef01234567");
    private static final UUID TARGET = UUID.fromString("11111111-2222-3333-4444-555555555555");
    private static final UUID MEMBER = UUID.fromString("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    /** The wire id of the transfer key "report.bin" (PROTOCOL.md §20.1). */
    private static final UUID TRANSFER = UUID.nameUUIDFromBytes(ascii("report.bin"));
    /** Vectors decoded and encoded by a node with a cluster label, by name; the others by one without. */
    private static final Map<String, String> LABELS = Map.of("labeled", "prod");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** @return vector name, sender id, the messages it holds */
    static Stream<Arguments> valid() {
        Map<String, String> aliveMeta = new LinkedHashMap<>();
        aliveMeta.put("dc", "zürich");
        aliveMeta.put("rack", "");
        MemberInfo alive = new MemberInfo(MEMBER, 5, NodeState.ALIVE, new InetSocketAddress("2001:db8::1", 7946), 2, "1.2", aliveMeta);
        List<MemberInfo> pushPullMembers = List.of(
                new MemberInfo(SENDER, 0, NodeState.ALIVE, new InetSocketAddress("127.0.0.1", 7946), 2, "", Map.of()),
                new MemberInfo(MEMBER, 3, NodeState.DEAD, new InetSocketAddress("10.0.0.2", 7947), 2, "", Map.of("k", "v")));
        return Stream.of(
                Arguments.of("ping", SENDER, List.of(new Message.Ping(42, TARGET))),
                Arguments.of("ping-req", SENDER, List.of(new Message.PingReq(0x80000001, TARGET,
                        new InetSocketAddress("192.168.1.10", 7946), true))),
                Arguments.of("ack", SENDER, List.of(new Message.Ack(0xdeadbeef))),
                Arguments.of("nack", SENDER, List.of(new Message.Nack(7))),
                Arguments.of("alive", SENDER, List.of(new Message.Alive(alive))),
                Arguments.of("suspect", SENDER, List.of(new Message.Suspect(MEMBER, 1L << 32, SENDER))),
                Arguments.of("dead", SENDER, List.of(new Message.Dead(MEMBER, 7, MEMBER))),
                Arguments.of("broadcast", SENDER, List.of(new Message.Broadcast(SENDER, 0x0102030405060708L, 128, ascii("hello")))),
                Arguments.of("user", SENDER, List.of(new Message.User(0xFFFF, new byte[0]))),
                Arguments.of("push-pull", SENDER, List.of(new Message.PushPull(100, WireFormat.PUSH_PULL_JOIN, pushPullMembers))),
                Arguments.of("push-pull-app-state", SENDER, List.of(new Message.PushPull(101, WireFormat.PUSH_PULL_REPLY,
                        List.of(new MemberInfo(SENDER, 2, NodeState.ALIVE, new InetSocketAddress("127.0.0.1", 7946), 2, "", Map.of())),
                        ascii("v=1")))),
                Arguments.of("refuse", SENDER, List.of(new Message.Refuse(100, "refused"))),
                Arguments.of("reliable", SENDER, List.of(new Message.Reliable(1, 0x0A0B0C0D0E0F1011L, 2, 0x1234, new byte[] {1, 2, 3}))),
                Arguments.of("reliable-ack", SENDER, List.of(new Message.ReliableAck(1, WireFormat.STATUS_HANDLER_ERROR, "boom"))),
                Arguments.of("request", SENDER, List.of(new Message.Request(-1L, 200, ascii("ping")))),
                Arguments.of("reply", SENDER, List.of(new Message.Reply(-1L, WireFormat.STATUS_OK, ascii("pong")))),
                Arguments.of("stream-open", SENDER, List.of(new Message.StreamOpen(256, 0x0102030405060708L))),
                Arguments.of("stream-reply", SENDER, List.of(new Message.StreamReply(WireFormat.STATUS_NO_HANDLER, "no handler", -1L))),
                Arguments.of("key-op", SENDER, List.of(new Message.KeyOp(7, WireFormat.KEY_OP_INSTALL,
                        new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}))),
                Arguments.of("key-reply", SENDER, List.of(new Message.KeyReply(7, WireFormat.STATUS_OK, "",
                        List.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, new byte[] {0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18})))),
                Arguments.of("transfer-offer", SENDER, List.of(new Message.TransferOffer(TRANSFER, "report.bin", 128, 10_000, 4096, "r.bin"))),
                Arguments.of("transfer-accept", SENDER, List.of(new Message.TransferAccept(TRANSFER, 0, "", new byte[] {0x05}))),
                Arguments.of("transfer-part", SENDER, List.of(new Message.TransferPart(TRANSFER, 2, crc32c(ascii("abc")), ascii("abc")))),
                Arguments.of("transfer-part-ack", SENDER, List.of(new Message.TransferPartAck(TRANSFER, 2))),
                Arguments.of("transfer-end", SENDER, List.of(new Message.TransferEnd(TRANSFER, 0, sha256(new byte[0])))),
                Arguments.of("transfer-done", SENDER, List.of(new Message.TransferDone(TRANSFER, 2, "stop"))),
                Arguments.of("broadcast-digest", SENDER, List.of(new Message.BroadcastDigest(100, 105))),
                Arguments.of("broadcast-repair", SENDER, List.of(new Message.BroadcastRepair(new long[] {101, 103}))),
                Arguments.of("broadcast-resent", SENDER, List.of(new Message.BroadcastResent(SENDER, 101, 128, ascii("hi")))),
                Arguments.of("broadcast-ttl", SENDER, List.of(new Message.BroadcastTtl(SENDER, 1, 129, 3,
                        java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(), ascii("x")))),
                Arguments.of("labeled", SENDER, List.of(new Message.Ack(42))),
                Arguments.of("compound", SENDER, List.of(
                        new Message.Ack(42),
                        new Message.Suspect(MEMBER, 9, SENDER),
                        new Message.User(128, new byte[] {(byte) 0xff}))),
                Arguments.of("sender", OTHER_SENDER, List.of(new Message.Nack(1))));
    }

    /** @return the names of the invalid vectors */
    static Stream<String> invalid() {
        return HexVector.names().stream().filter(n -> HexVector.load(n).drop() != null);
    }

    private static PacketCodec codec(UUID sender) {
        return codec(sender, "");
    }

    private static PacketCodec codec(UUID sender, String label) {
        return new PacketCodec(sender, null, Integer.MAX_VALUE, List.of(), 1 << 20, label);
    }

    private static int crc32c(byte[] b) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validVectorDecodesToItsFieldsAndEncodesBackToItsBytes(String name, UUID sender, List<Message> expected) throws WireException {
        HexVector v = HexVector.load(name);
        assertNull(v.drop(), "a valid vector has no @drop line");

        String label = LABELS.getOrDefault(name, "");
        Packet p = codec(SENDER, label).decode(v.bytes(), 0, v.bytes().length);
        assertEquals(sender, p.sender());
        MessageAssert.assertMessages(expected, p.messages());

        PacketCodec encoder = codec(sender, label);
        byte[] encoded;
        if (expected.size() == 1) {
            encoded = encoder.encode(expected.get(0));
        } else {
            List<byte[]> items = new ArrayList<>();
            for (Message m : expected) {
                items.add(PacketCodec.item(m));
            }
            encoded = encoder.encodeItems(items);
        }
        assertArrayEquals(v.bytes(), encoded, () -> "encoded " + HexVector.hex(encoded) + "\nvector  " + HexVector.hex(v.bytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidVectorIsDroppedForItsReason(String name) {
        HexVector v = HexVector.load(name);
        WireException e = assertThrows(WireException.class, () -> codec(SENDER).decode(v.bytes(), 0, v.bytes().length));
        assertEquals(v.drop(), e.reason(), () -> name + ": " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidVectorIsDroppedWhereverItSitsInTheBuffer(String name) {
        HexVector v = HexVector.load(name);
        byte[] padded = new byte[v.bytes().length + 10];
        java.util.Arrays.fill(padded, (byte) 0x5A);
        System.arraycopy(v.bytes(), 0, padded, 3, v.bytes().length);
        WireException e = assertThrows(WireException.class, () -> codec(SENDER).decode(padded, 3, v.bytes().length));
        assertEquals(v.drop(), e.reason(), () -> name + ": " + e.getMessage());
    }

    @Test
    void everyVectorFileIsCheckedAndEveryMessageTypeHasAVector() {
        TreeSet<String> validNames = new TreeSet<>();
        TreeSet<Integer> types = new TreeSet<>();
        valid().forEach(a -> {
            validNames.add((String) a.get()[0]);
            HexVector v = HexVector.load((String) a.get()[0]);
            types.add(v.bytes()[4] & 0xFF);
        });
        TreeSet<String> files = new TreeSet<>(HexVector.names());
        invalid().forEach(files::remove);
        assertEquals(validNames, files, "valid vector files and the vectors this test knows");
        assertEquals(new TreeSet<>(List.of(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
                0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x18, 0x19, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49)),
                types, "message types with a vector");
        for (DropReason r : List.of(DropReason.TRUNCATED, DropReason.BAD_MAGIC, DropReason.UNSUPPORTED_VERSION,
                DropReason.MALFORMED, DropReason.UNAUTHENTICATED, DropReason.BAD_COMPRESSION, DropReason.LABEL_MISMATCH)) {
            assertTrue(invalid().anyMatch(n -> HexVector.load(n).drop() == r), "no invalid vector for " + r);
        }
    }

    @Test
    void parserSkipsCommentsAndWhitespace() {
        HexVector v = HexVector.parse("t", "# c\n 54 5454 # x\n\t01\r\n@drop MALFORMED\n");
        assertArrayEquals(new byte[] {0x54, 0x54, 0x54, 0x01}, v.bytes());
        assertNotNull(v.drop());
        assertThrows(IllegalArgumentException.class, () -> HexVector.parse("t", "545"));
    }
}
