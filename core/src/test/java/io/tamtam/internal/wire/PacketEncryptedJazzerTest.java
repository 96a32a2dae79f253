package io.tamtam.internal.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tamtam.spi.Cipher;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Coverage-guided fuzzing of {@link PacketCodec#decode} with a key and a compressor. The first input byte
 * picks whose bytes the rest are: even, a packet as received from anyone (without the key nothing may
 * decode but the checked-in packets sealed with it); odd, a 21-byte header and a plain body that the test
 * seals with the key, as a peer holding the key would, so that decompression and parsing behind the
 * decryption are fuzzed too. Replays {@code PacketEncryptedJazzerTestInputs/decode}; {@code -Pfuzz} fuzzes.
 */
class PacketEncryptedJazzerTest {
    private static final PacketCodec CODEC = PacketFuzzing.codec(true, true);
    private static final Cipher PEER = new AesGcmTestCipher(PacketFuzzing.KEY);

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) throws GeneralSecurityException {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        if ((input[0] & 1) == 0) {
            PacketFuzzing.decodeOrDrop(CODEC, rest, true);
            return;
        }
        if (rest.length < WireFormat.HEADER_SIZE) {
            assertNull(PacketFuzzing.decodeOrDrop(CODEC, rest, true), "a packet shorter than its header decoded");
            return;
        }
        byte[] header = Arrays.copyOf(rest, WireFormat.HEADER_SIZE);
        header[3] |= WireFormat.FLAG_ENCRYPTED;
        byte[] sealed = PEER.encrypt(rest, WireFormat.HEADER_SIZE, rest.length - WireFormat.HEADER_SIZE, header);
        byte[] packet = Arrays.copyOf(header, WireFormat.HEADER_SIZE + sealed.length);
        System.arraycopy(sealed, 0, packet, WireFormat.HEADER_SIZE, sealed.length);
        PacketFuzzing.decodeOrDrop(CODEC, packet, true);
    }
}
