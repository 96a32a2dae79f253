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

/** {@link PacketCodec#encodeParts}: the same bytes as {@link PacketCodec#encode}, split before the payload, only where allowed. */
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
}
