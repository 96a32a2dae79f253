package io.tamtam.internal.wire;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link PacketCodec#encodeParts}: the same bytes as {@link PacketCodec#encode}, split before the payload, only
 * where allowed; and the receiving side, {@link PacketCodec#payloadArrayFor} and
 * {@link PacketCodec#decode(byte[], int, int, byte[], int)}: a frame received in two parts, its payload straight
 * into the array the message keeps.
 */
class PacketPartsTest {
    private static final int MAX_DECODED = 1 << 22;

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static List<Message> withPayload(byte[] payload) {
        return List.of(
                new Message.Reliable(7, 8, 9, 300, payload),
                new Message.Request(11, 301, payload),
                new Message.Reply(12, 1, payload),
                new Message.User(302, payload),
                new Message.TransferPart(UUID.randomUUID(), 3, 0x1234, payload));
    }

    private static byte[] concat(PacketCodec.Parts parts) {
        byte[] whole = Arrays.copyOf(parts.head(), parts.length());
        System.arraycopy(parts.body(), 0, whole, parts.head().length, parts.body().length);
        return whole;
    }

    @Test
    void partsAreTheWholePacketSplitBeforeThePayloadWhichIsNotCopied() throws WireException {
        byte[] payload = random(PacketCodec.PARTS_MIN_PAYLOAD + 5, 1);
        for (String label : new String[] {"", "blue"}) {
            PacketCodec c = new PacketCodec(SampleMessages.A, null, 0, List.of(), MAX_DECODED, label);
            for (Message m : withPayload(payload)) {
                PacketCodec.Parts parts = c.encodeParts(m);
                assertNotNull(parts, "parts of " + m.getClass().getSimpleName());
                assertSame(payload, parts.body(), "the payload is the caller's array");
                byte[] whole = concat(parts);
                assertArrayEquals(c.encode(m), whole, "bytes of " + m.getClass().getSimpleName() + " with label '" + label + "'");
                MessageAssert.assertMessages(List.of(m), c.decode(whole, 0, whole.length).messages());
            }
        }
    }

    @Test
    void smallPayloadsAndMessagesWithoutATrailingPayloadAreEncodedWhole() throws WireException {
        PacketCodec c = new PacketCodec(SampleMessages.A, null, 0, List.of(), MAX_DECODED);
        for (Message m : withPayload(random(PacketCodec.PARTS_MIN_PAYLOAD - 1, 2))) {
            assertNull(c.encodeParts(m), m.getClass().getSimpleName());
            PacketCodec.Parts whole = c.encodeFrame(m);
            assertEquals(0, whole.body().length);
            assertArrayEquals(c.encode(m), whole.head());
        }
        Message ack = new Message.ReliableAck(5, 0, "");
        assertNull(c.encodeParts(ack));
        assertArrayEquals(c.encode(ack), c.encodeFrame(ack).head());
    }

    @Test
    void encryptedPacketsAreEncodedWhole() {
        PacketCodec c = new PacketCodec(SampleMessages.A, null, 0, List.of(new AesGcmTestCipher(new byte[16])), MAX_DECODED);
        for (Message m : withPayload(random(PacketCodec.PARTS_MIN_PAYLOAD * 2, 3))) {
            assertNull(c.encodeParts(m), m.getClass().getSimpleName());
        }
    }

    @Test
    void withACompressorOnlyPayloadsThatDoNotCompressGoInParts() throws WireException {
        PacketCodec c = new PacketCodec(SampleMessages.A, new DeflateCompressor(), 0, List.of(), MAX_DECODED);
        byte[] compressible = new byte[PacketCodec.PARTS_MIN_PAYLOAD * 2];
        Arrays.fill(compressible, (byte) 'a');
        Message squeezed = new Message.Reliable(1, 2, 3, 300, compressible);
        assertNull(c.encodeParts(squeezed));
        byte[] packet = c.encodeFrame(squeezed).head();
        assertEquals(WireFormat.FLAG_COMPRESSED, packet[3] & WireFormat.FLAG_COMPRESSED);

        Message random = new Message.Reliable(1, 2, 3, 300, random(PacketCodec.PARTS_MIN_PAYLOAD * 2, 4));
        PacketCodec.Parts parts = c.encodeParts(random);
        assertNotNull(parts);
        byte[] whole = concat(parts);
        assertEquals(0, whole[3] & WireFormat.FLAG_COMPRESSED);
        MessageAssert.assertMessages(List.of(random), c.decode(whole, 0, whole.length).messages());
    }

    /** How much of a frame a transport has when it asks: {@code StreamTransport.LARGE_FRAME_HEAD}. */
    private static final int HEAD = io.tamtam.spi.StreamTransport.LARGE_FRAME_HEAD;

    /** Receives {@code whole} in two parts as a transport would; null when the codec wants it whole. */
    private static byte[] receiveTail(PacketCodec c, byte[] whole) {
        byte[] tail = c.payloadArrayFor(whole, 0, Math.min(HEAD, whole.length), whole.length);
        if (tail != null) {
            System.arraycopy(whole, whole.length - tail.length, tail, 0, tail.length);
        }
        return tail;
    }

    @Test
    void aFrameEndingWithALargePayloadIsReceivedInTwoPartsAndDecodedWithTheTailAsThePayload() throws WireException {
        byte[] payload = random(PacketCodec.PARTS_MIN_PAYLOAD + 3, 5);
        for (String label : new String[] {"", "blue"}) {
            PacketCodec c = new PacketCodec(SampleMessages.A, null, 0, List.of(), MAX_DECODED, label);
            for (Message m : withPayload(payload)) {
                byte[] whole = c.encode(m);
                byte[] tail = receiveTail(c, whole);
                assertNotNull(tail, m.getClass().getSimpleName() + " with label '" + label + "'");
                assertEquals(payload.length, tail.length);
                List<Message> decoded = c.decode(whole, 0, whole.length - tail.length, tail, MAX_DECODED).messages();
                MessageAssert.assertMessages(List.of(m), decoded);
                assertSame(tail, MessageCodec.trailingPayload(decoded.get(0)), "the tail is the payload, not a copy");
            }
        }
    }

    @Test
    void framesThatAreNotOnePlainMessageEndingWithALargePayloadAreReceivedWhole() {
        PacketCodec plain = new PacketCodec(SampleMessages.A, null, 0, List.of(), MAX_DECODED);
        byte[] large = random(PacketCodec.PARTS_MIN_PAYLOAD * 2, 6);
        for (Message m : withPayload(random(PacketCodec.PARTS_MIN_PAYLOAD - 1, 7))) {
            assertNull(receiveTail(plain, plain.encode(m)), "small payload of " + m.getClass().getSimpleName());
        }
        assertNull(receiveTail(plain, plain.encode(new Message.Broadcast(SampleMessages.A, 1, 300, large))),
                "a broadcast's payload is not received apart");
        byte[] item = random(40 * 1024, 10);
        assertNull(receiveTail(plain, plain.encodeAll(List.of(new Message.Reliable(1, 2, 3, 300, item),
                new Message.Reliable(2, 2, 4, 300, item)))), "compound");
        Message reliable = new Message.Reliable(1, 2, 3, 300, large);

        byte[] whole = plain.encode(reliable);
        assertNull(plain.payloadArrayFor(whole, 0, HEAD, whole.length + 1), "length differs from the frame's");
        assertNull(plain.payloadArrayFor(whole, 0, WireFormat.HEADER_SIZE + 8 + 8 + 8 + 2 + 3, whole.length),
                "the payload's length has not arrived");
        byte[] badMagic = whole.clone();
        badMagic[0] = 0;
        assertNull(receiveTail(plain, badMagic));
        byte[] otherVersion = whole.clone();
        otherVersion[2] = 2;
        assertNull(receiveTail(plain, otherVersion));

        PacketCodec keyed = new PacketCodec(SampleMessages.A, null, 0, List.of(new AesGcmTestCipher(new byte[16])), MAX_DECODED);
        assertNull(receiveTail(keyed, keyed.encode(reliable)), "encrypted");
        assertNull(receiveTail(keyed, whole), "plaintext, which a node with keys refuses");

        PacketCodec compressing = new PacketCodec(SampleMessages.A, new DeflateCompressor(), 0, List.of(), MAX_DECODED);
        byte[] compressible = new byte[PacketCodec.PARTS_MIN_PAYLOAD * 2];
        assertNull(receiveTail(compressing, compressing.encode(new Message.Reliable(1, 2, 3, 300, compressible))), "compressed");

        PacketCodec blue = new PacketCodec(SampleMessages.A, null, 0, List.of(), MAX_DECODED, "blue");
        PacketCodec red = new PacketCodec(SampleMessages.A, null, 0, List.of(), MAX_DECODED, "red");
        assertNull(receiveTail(red, blue.encode(reliable)), "another cluster's label");
        assertNull(receiveTail(red, whole), "no label where one is expected");
    }

    @Test
    void aTailThatDoesNotFitTheHeadIsRefused() {
        PacketCodec c = new PacketCodec(SampleMessages.A, null, 0, List.of(), MAX_DECODED);
        byte[] whole = c.encode(new Message.Reliable(1, 2, 3, 300, random(PacketCodec.PARTS_MIN_PAYLOAD, 8)));
        int head = whole.length - PacketCodec.PARTS_MIN_PAYLOAD;
        assertThrows(WireException.class, () -> c.decode(whole, 0, head, new byte[PacketCodec.PARTS_MIN_PAYLOAD - 1], MAX_DECODED));
        assertThrows(WireException.class, () -> c.decode(whole, 0, head, new byte[PacketCodec.PARTS_MIN_PAYLOAD + 1], MAX_DECODED));
        assertThrows(WireException.class, () -> c.decode(whole, 0, head - 1, new byte[PacketCodec.PARTS_MIN_PAYLOAD + 1], MAX_DECODED));
        byte[] compound = c.encodeAll(List.of(new Message.Ack(1), new Message.Ack(2)));
        WireException e = assertThrows(WireException.class, () -> c.decode(compound, 0, compound.length, new byte[1], MAX_DECODED));
        assertEquals(io.tamtam.DropReason.MALFORMED, e.reason());
    }

    @Test
    void aTypeWhoseHandlerTakesAViewGetsItsTailFromThePayloadArrays() throws WireException {
        PacketCodec c = new PacketCodec(SampleMessages.A, null, 0, List.of(), MAX_DECODED);
        c.viewTypes(t -> t == 300);
        byte[] payload = random(PayloadArrays.MIN_BYTES + 11, 9);
        byte[] whole = c.encode(new Message.Reliable(1, 2, 3, 300, payload));
        byte[] first = receiveTail(c, whole);
        PayloadArrays.giveBack(first);
        byte[] second = receiveTail(c, whole);
        assertSame(first, second, "the array given back is lent again (only a lent one is taken back)");
        assertArrayEquals(payload, second);

        byte[] other = c.encode(new Message.Reliable(1, 2, 3, 301, payload));
        byte[] owned = receiveTail(c, other);
        PayloadArrays.giveBack(owned);
        byte[] again = receiveTail(c, other);
        org.junit.jupiter.api.Assertions.assertNotSame(owned, again, "a byte[] handler's payload is its own array");
        PayloadArrays.giveBack(second);
    }
}
