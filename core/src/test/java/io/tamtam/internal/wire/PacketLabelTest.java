package io.tamtam.internal.wire;

import io.tamtam.DropReason;
import io.tamtam.spi.Cipher;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The cluster label after the header (PROTOCOL.md §15, "Cluster label"): layout, refusals, authentication. */
class PacketLabelTest {
    private static final UUID SENDER = SampleMessages.A;
    private static final Message PING = new Message.Ping(7, SampleMessages.B);

    private static PacketCodec codec(String label, List<Cipher> ciphers) {
        return new PacketCodec(SENDER, null, 0, ciphers, 1 << 20, label);
    }

    private static DropReason refusal(PacketCodec c, byte[] packet) {
        return assertThrows(WireException.class, () -> c.decode(packet, 0, packet.length)).reason();
    }

    @Test
    void theLabelFollowsTheHeaderWithItsLengthAndTheFlagSays() throws Exception {
        byte[] plain = codec("", List.of()).encode(PING);
        byte[] labeled = codec("prod", List.of()).encode(PING);
        assertEquals(plain.length + 5, labeled.length);
        assertEquals(WireFormat.FLAG_LABELED, labeled[3] & 0xFF);
        assertEquals(4, labeled[WireFormat.HEADER_SIZE]);
        assertArrayEquals("prod".getBytes(StandardCharsets.US_ASCII),
                Arrays.copyOfRange(labeled, WireFormat.HEADER_SIZE + 1, WireFormat.HEADER_SIZE + 5));
        assertArrayEquals(Arrays.copyOfRange(plain, WireFormat.HEADER_SIZE, plain.length),
                Arrays.copyOfRange(labeled, WireFormat.HEADER_SIZE + 5, labeled.length), "the body is unchanged");
        assertEquals(PING, codec("prod", List.of()).decode(labeled, 0, labeled.length).messages().get(0));
        assertEquals(codec("", List.of()).overhead() + 5, codec("prod", List.of()).overhead());
    }

    @Test
    void anotherLabelOrNoneOrAnUnexpectedOneIsALabelMismatch() {
        byte[] prod = codec("prod", List.of()).encode(PING);
        assertEquals(DropReason.LABEL_MISMATCH, refusal(codec("test", List.of()), prod));
        assertEquals(DropReason.LABEL_MISMATCH, refusal(codec("pro", List.of()), prod));
        assertEquals(DropReason.LABEL_MISMATCH, refusal(codec("", List.of()), prod));
        assertEquals(DropReason.LABEL_MISMATCH, refusal(codec("prod", List.of()), codec("", List.of()).encode(PING)));
    }

    @Test
    void aCutOrEmptyLabelIsRefusedWithoutReadingPastThePacket() {
        byte[] prod = codec("prod", List.of()).encode(PING);
        PacketCodec receiver = codec("prod", List.of());
        assertEquals(DropReason.TRUNCATED, refusal(receiver, Arrays.copyOf(prod, WireFormat.HEADER_SIZE)));
        assertEquals(DropReason.TRUNCATED, refusal(receiver, Arrays.copyOf(prod, WireFormat.HEADER_SIZE + 3)));
        byte[] empty = prod.clone();
        empty[WireFormat.HEADER_SIZE] = 0;
        assertEquals(DropReason.MALFORMED, refusal(receiver, empty));
    }

    @Test
    void withKeysTheLabelIsAuthenticatedWithTheBody() throws Exception {
        List<Cipher> keys = List.of(new AesGcmTestCipher(new byte[16]));
        byte[] sealed = codec("prod", keys).encode(PING);
        assertEquals(PING, codec("prod", keys).decode(sealed, 0, sealed.length).messages().get(0));
        // A receiver that trusted the label byte for byte but was handed another one cannot open the body:
        // the label is associated data of the AEAD.
        byte[] relabeled = sealed.clone();
        relabeled[WireFormat.HEADER_SIZE + 1] = 'q';
        assertEquals(DropReason.UNAUTHENTICATED, refusal(codec("qrod", keys), relabeled));
        assertEquals(DropReason.LABEL_MISMATCH, refusal(codec("prod", keys), relabeled));
    }

    @Test
    void aLabelLongerThan255BytesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> codec("x".repeat(256), List.of()));
    }
}
