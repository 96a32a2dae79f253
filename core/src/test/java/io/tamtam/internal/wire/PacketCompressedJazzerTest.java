package io.tamtam.internal.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link PacketCodec#decode} with a compressor (the Deflate test compressor):
 * any bytes decode or are dropped with a reason; allocation stays within a multiple of the input and of
 * the decompression bound. Replays {@code PacketCompressedJazzerTestInputs/decode}; {@code -Pfuzz} fuzzes.
 */
class PacketCompressedJazzerTest {
    private static final PacketCodec CODEC = PacketFuzzing.codec(true, false);

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] packet) {
        PacketFuzzing.decodeOrDrop(CODEC, packet, true);
    }
}
