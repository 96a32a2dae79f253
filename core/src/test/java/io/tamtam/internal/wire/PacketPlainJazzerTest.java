package io.tamtam.internal.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link PacketCodec#decode} without compressor or keys: any bytes decode to
 * a packet or are dropped with a reason, and allocate at most a fixed amount plus a multiple of their
 * length. Replays {@code PacketPlainJazzerTestInputs/decode} in every build; {@code -Pfuzz} fuzzes.
 */
class PacketPlainJazzerTest {
    private static final PacketCodec CODEC = PacketFuzzing.codec(false, false);

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] packet) {
        PacketFuzzing.decodeOrDrop(CODEC, packet, false);
    }
}
