package io.tamtam.internal.wire;

import io.tamtam.MessageType;

import io.tamtam.DropReason;
import io.tamtam.spi.Cipher;
import io.tamtam.spi.Compressor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every message type through {@link PacketCodec}: plain, compressed, encrypted, both; and the refusals. */
class PacketCodecRoundTripTest {
    private static final UUID SENDER = SampleMessages.A;
    private static final byte[] KEY_1 = key(1);
    private static final byte[] KEY_2 = key(2);
    private static final int MAX_DECODED = 1 << 20;

    /** The settings of a sending and a receiving node. */
    enum Variant {
        PLAIN(false, false), COMPRESSED(true, false), ENCRYPTED(false, true), COMPRESSED_ENCRYPTED(true, true);

        final boolean compressed;
        final boolean encrypted;

        Variant(boolean compressed, boolean encrypted) {
            this.compressed = compressed;
            this.encrypted = encrypted;
        }

        PacketCodec codec() {
            return new PacketCodec(SENDER, compressed ? new DeflateCompressor() : null, 0,
                    encrypted ? List.of(new AesGcmTestCipher(KEY_1)) : List.of(), MAX_DECODED);
        }
    }

    private static byte[] key(int seed) {
        byte[] k = new byte[16];
        Arrays.fill(k, (byte) seed);
        return k;
    }

    private static PacketCodec codec(Compressor compressor, List<Cipher> ciphers, int maxDecoded) {
        return new PacketCodec(SENDER, compressor, 0, ciphers, maxDecoded);
    }

    private static Packet decode(PacketCodec c, byte[] packet) throws WireException {
        return c.decode(packet, 0, packet.length);
    }

    private static DropReason refusal(PacketCodec c, byte[] packet) {
        return assertThrows(WireException.class, () -> decode(c, packet)).reason();
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void everyMessageTypeRoundTrips(Variant v) throws WireException {
        PacketCodec c = v.codec();
        for (int size : new int[] {0, 3, 2000}) {
            for (Message m : SampleMessages.all(size)) {
                byte[] packet = c.encode(m);
                assertEquals(m.type(), packet[4] & 0xFF, "type byte of " + m);
                int flags = packet[3] & 0xFF;
                assertEquals(v.encrypted, (flags & WireFormat.FLAG_ENCRYPTED) != 0, "encrypted flag");
                if (!v.compressed) {
                    assertEquals(0, flags & WireFormat.FLAG_COMPRESSED, "compressed flag without a compressor");
                }
                Packet p = decode(c, packet);
                assertEquals(SENDER, p.sender());
                MessageAssert.assertMessages(List.of(m), p.messages());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void compoundPacketsRoundTrip(Variant v) throws WireException {
        PacketCodec c = v.codec();
        List<Message> all = SampleMessages.all(100);
        List<byte[]> items = new ArrayList<>();
        for (Message m : all) {
            items.add(PacketCodec.item(m));
        }
        byte[] packet = c.encodeItems(items);
        assertEquals(WireFormat.COMPOUND, packet[4]);
        MessageAssert.assertMessages(all, decode(c, packet).messages());

        List<Message> many = new ArrayList<>();
        List<byte[]> manyItems = new ArrayList<>();
        for (int i = 0; i < WireFormat.COMPOUND_MAX_ITEMS; i++) {
            Message m = new Message.Ack(i);
            many.add(m);
            manyItems.add(PacketCodec.item(m));
        }
        MessageAssert.assertMessages(many, decode(c, c.encodeItems(manyItems)).messages());
    }

    @Test
    void messagesEncodedTogetherAreTheBytesOfTheirItems() throws WireException {
        PacketCodec c = Variant.PLAIN.codec();
        List<Message> all = SampleMessages.all(100);
        List<byte[]> items = new ArrayList<>();
        for (Message m : all) {
            items.add(PacketCodec.item(m));
        }
        byte[] packet = c.encodeAll(all);
        assertTrue(Arrays.equals(c.encodeItems(items), packet), "same bytes as the items' compound packet");
        MessageAssert.assertMessages(all, decode(c, packet).messages());
        assertTrue(Arrays.equals(c.encode(all.get(0)), c.encodeAll(all.subList(0, 1))), "one message alone");
        for (Variant v : Variant.values()) {
            MessageAssert.assertMessages(all, decode(v.codec(), v.codec().encodeAll(all)).messages());
        }
        assertThrows(IllegalArgumentException.class, () -> c.encodeAll(List.of()));
        List<Message> tooMany = new ArrayList<>();
        for (int i = 0; i <= WireFormat.COMPOUND_MAX_ITEMS; i++) {
            tooMany.add(new Message.Ack(i));
        }
        assertThrows(IllegalArgumentException.class, () -> c.encodeAll(tooMany));
        List<Message> tooLarge = List.of(new Message.Ack(1),
                new Message.Reliable(1, 2, 3, 200, new byte[0x10000]));
        assertThrows(IllegalArgumentException.class, () -> c.encodeAll(tooLarge));
    }

    @Test
    void messagesEncodedTogetherAreCompressedOnlyWhenOneWouldBeAlone() throws WireException {
        PacketCodec c = new PacketCodec(SENDER, new DeflateCompressor(), 512, List.of(), MAX_DECODED);
        List<Message> small = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            small.add(new Message.Reliable(i, 7, i + 1, 200, new byte[100]));
        }
        byte[] together = c.encodeAll(small);
        assertEquals(0, together[3] & WireFormat.FLAG_COMPRESSED, "20 messages of 100 bytes: not compressed");
        MessageAssert.assertMessages(small, decode(c, together).messages());
        List<Message> withLarge = new ArrayList<>(small);
        withLarge.add(new Message.Reliable(99, 7, 21, 200, new byte[1000]));
        byte[] compressed = c.encodeAll(withLarge);
        assertEquals(WireFormat.FLAG_COMPRESSED, compressed[3] & WireFormat.FLAG_COMPRESSED, "one of 1000 bytes");
        MessageAssert.assertMessages(withLarge, decode(c, compressed).messages());
    }

    @Test
    void packetSizeIsHeaderPlusBodyPlusCipherOverhead() {
        Message m = new Message.Ack(1);
        assertEquals(WireFormat.HEADER_SIZE + 4, Variant.PLAIN.codec().encode(m).length);
        assertEquals(WireFormat.HEADER_SIZE + 4 + 28, Variant.ENCRYPTED.codec().encode(m).length);
        assertEquals(WireFormat.HEADER_SIZE + 28, Variant.ENCRYPTED.codec().overhead());
    }

    @Test
    void compressedBodyStartsWithTheCompressorId() throws WireException {
        Message m = new Message.User(128, SampleMessages.text(3000));
        byte[] packet = Variant.COMPRESSED.codec().encode(m);
        assertEquals(WireFormat.FLAG_COMPRESSED, packet[3]);
        assertEquals(DeflateCompressor.ID, packet[WireFormat.HEADER_SIZE]);
        assertTrue(packet.length < 3000 / 4, "compressed size " + packet.length);
        MessageAssert.assertMessage(m, decode(Variant.COMPRESSED.codec(), packet).messages().get(0));
    }

    @Test
    void bodiesThatDoNotShrinkOrAreBelowTheThresholdAreSentUncompressed() {
        assertEquals(0, Variant.COMPRESSED.codec().encode(new Message.Ack(1))[3]);
        PacketCodec highThreshold = new PacketCodec(SENDER, new DeflateCompressor(), 10_000, List.of(), MAX_DECODED);
        assertEquals(0, highThreshold.encode(new Message.User(128, SampleMessages.text(3000)))[3]);
    }

    @Test
    void wrongKeyIsUnauthenticated() {
        byte[] packet = Variant.ENCRYPTED.codec().encode(new Message.Ack(1));
        assertEquals(DropReason.UNAUTHENTICATED, refusal(codec(null, List.of(new AesGcmTestCipher(KEY_2)), MAX_DECODED), packet));
    }

    @Test
    void plaintextToAnEncryptingNodeIsUnauthenticated() {
        byte[] packet = Variant.PLAIN.codec().encode(new Message.Ack(1));
        assertEquals(DropReason.UNAUTHENTICATED, refusal(Variant.ENCRYPTED.codec(), packet));
        byte[] compressed = Variant.COMPRESSED.codec().encode(new Message.User(128, SampleMessages.text(3000)));
        assertEquals(DropReason.UNAUTHENTICATED, refusal(Variant.COMPRESSED_ENCRYPTED.codec(), compressed));
    }

    @Test
    void encryptedToAPlaintextNodeIsUnauthenticated() {
        byte[] packet = Variant.ENCRYPTED.codec().encode(new Message.Ack(1));
        assertEquals(DropReason.UNAUTHENTICATED, refusal(Variant.PLAIN.codec(), packet));
    }

    @Test
    void theFirstKeyEncryptsAndEveryKeyDecrypts() throws WireException {
        PacketCodec rotated = codec(null, List.of(new AesGcmTestCipher(KEY_2), new AesGcmTestCipher(KEY_1)), MAX_DECODED);
        PacketCodec oldOnly = codec(null, List.of(new AesGcmTestCipher(KEY_1)), MAX_DECODED);
        PacketCodec newOnly = codec(null, List.of(new AesGcmTestCipher(KEY_2)), MAX_DECODED);
        Message m = new Message.Nack(3);

        MessageAssert.assertMessages(List.of(m), decode(rotated, oldOnly.encode(m)).messages());
        byte[] fromRotated = rotated.encode(m);
        MessageAssert.assertMessages(List.of(m), decode(newOnly, fromRotated).messages());
        assertEquals(DropReason.UNAUTHENTICATED, refusal(oldOnly, fromRotated));
    }

    @Test
    void theHeaderIsAuthenticated() {
        PacketCodec c = Variant.COMPRESSED_ENCRYPTED.codec();
        byte[] packet = c.encode(new Message.User(128, SampleMessages.text(3000)));
        assertEquals(WireFormat.FLAG_COMPRESSED | WireFormat.FLAG_ENCRYPTED, packet[3]);

        byte[] otherSender = packet.clone();
        otherSender[5 + 15] ^= 1;
        assertEquals(DropReason.UNAUTHENTICATED, refusal(c, otherSender));

        byte[] otherType = packet.clone();
        otherType[4] = WireFormat.REQUEST;
        assertEquals(DropReason.UNAUTHENTICATED, refusal(c, otherType));

        byte[] notCompressed = packet.clone();
        notCompressed[3] = WireFormat.FLAG_ENCRYPTED;
        assertEquals(DropReason.UNAUTHENTICATED, refusal(c, notCompressed));

        byte[] otherBody = packet.clone();
        otherBody[packet.length - 1] ^= 0x40;
        assertEquals(DropReason.UNAUTHENTICATED, refusal(c, otherBody));

        byte[] tooShort = Arrays.copyOf(packet, WireFormat.HEADER_SIZE + 27);
        assertEquals(DropReason.UNAUTHENTICATED, refusal(c, tooShort));
    }

    @Test
    void compressedPacketToANodeWithoutThatCompressorIsBadCompression() {
        byte[] packet = Variant.COMPRESSED.codec().encode(new Message.User(128, SampleMessages.text(3000)));
        assertEquals(DropReason.BAD_COMPRESSION, refusal(Variant.PLAIN.codec(), packet));
        Compressor otherId = new Compressor() {
            private final DeflateCompressor inner = new DeflateCompressor();

            @Override
            public String name() {
                return "other";
            }

            @Override
            public int id() {
                return 10;
            }

            @Override
            public byte[] compress(byte[] src, int offset, int length) {
                return inner.compress(src, offset, length);
            }

            @Override
            public byte[] decompress(byte[] src, int offset, int length, int maxLength) throws java.io.IOException {
                return inner.decompress(src, offset, length, maxLength);
            }
        };
        assertEquals(DropReason.BAD_COMPRESSION, refusal(codec(otherId, List.of(), MAX_DECODED), packet));
    }

    @Test
    void corruptOrOversizedCompressedBodyIsBadCompression() {
        byte[] packet = Variant.COMPRESSED.codec().encode(new Message.User(128, SampleMessages.text(100_000)));
        assertEquals(DropReason.BAD_COMPRESSION, refusal(codec(new DeflateCompressor(), List.of(), 64 * 1024), packet));

        byte[] corrupt = packet.clone();
        corrupt[WireFormat.HEADER_SIZE + 1] ^= 0x7F;
        assertEquals(DropReason.BAD_COMPRESSION, refusal(Variant.COMPRESSED.codec(), corrupt));

        byte[] cut = Arrays.copyOf(packet, packet.length - 10);
        assertEquals(DropReason.BAD_COMPRESSION, refusal(Variant.COMPRESSED.codec(), cut));
    }

    @Test
    void aDatagramDecompressesToAtMostItsPathsBoundAndAFrameToMaxFrameSize() throws WireException {
        int maxDatagram = 1400;
        int maxFrame = 16 << 20;
        int datagramLimit = PacketCodec.datagramDecodeLimit(maxDatagram, maxFrame);
        assertEquals(maxDatagram * PacketCodec.DATAGRAM_MAX_EXPANSION, datagramLimit);
        assertEquals(64 * 1024, PacketCodec.datagramDecodeLimit(65_507, 64 * 1024), "never above maxFrameSize");
        PacketCodec c = codec(new DeflateCompressor(), List.of(), maxFrame);
        // Zeros deflate about 1000:1: this packet fits a datagram but its body is over the datagram bound.
        byte[] packet = c.encode(new Message.User(128, new byte[datagramLimit]));
        assertTrue(packet.length <= maxDatagram, packet.length + " bytes");
        assertEquals(DropReason.BAD_COMPRESSION,
                assertThrows(WireException.class, () -> c.decode(packet, 0, packet.length, datagramLimit)).reason());
        assertEquals(datagramLimit, ((Message.User) c.decode(packet, 0, packet.length, maxFrame).messages().get(0)).payload().length);
        assertEquals(datagramLimit, ((Message.User) decode(c, packet).messages().get(0)).payload().length,
                "without a path bound, the constructor's (the frame path's) applies");
        byte[] fits = c.encode(new Message.User(128, new byte[datagramLimit - 100]));
        assertEquals(1, c.decode(fits, 0, fits.length, datagramLimit).messages().size());
    }

    @Test
    void encoderRefusesEmptyAndOverfullPackets() {
        PacketCodec c = Variant.PLAIN.codec();
        assertThrows(IllegalArgumentException.class, () -> c.encodeItems(List.of()));
        List<byte[]> tooMany = new ArrayList<>();
        for (int i = 0; i <= WireFormat.COMPOUND_MAX_ITEMS; i++) {
            tooMany.add(PacketCodec.item(new Message.Ack(i)));
        }
        assertThrows(IllegalArgumentException.class, () -> c.encodeItems(tooMany));
    }
}
