package io.tamtam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tamtam.internal.wire.AllocationMeter;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of {@link SnappyCompressor#decompress} (the Java checks in front of the native
 * decoder, and the decoder's own refusals): any bytes decompress or fail with an IOException; the output
 * is at most the limit and at most 64/3 of the input; allocation stays within a fixed amount plus that
 * output bound. Replays {@code SnappyDecompressJazzerTestInputs/decompress}; {@code -Pfuzz} fuzzes.
 */
class SnappyDecompressJazzerTest {
    private static final AllocationMeter METER = new AllocationMeter();
    private static final int LIMIT = 1 << 20;
    private static final SnappyCompressor SNAPPY = new SnappyCompressor();

    @FuzzTest(maxDuration = "30s")
    void decompress(byte[] block) throws IOException {
        long expandable = (long) block.length * 64 / 3;
        long bound = 64 * 1024 + 2 * Math.min(LIMIT, expandable);
        byte[][] out = new byte[1][];
        long allocated = METER.steadyAllocation(bound, () -> out[0] = outcome(block));
        assertTrue(allocated <= bound, "decompressing " + block.length + " bytes allocated " + allocated);
        if (out[0] != null) {
            assertTrue(out[0].length <= LIMIT && out[0].length <= expandable, out[0].length + " bytes from " + block.length);
            byte[] again = SNAPPY.compress(out[0], 0, out[0].length);
            assertArrayEquals(out[0], SNAPPY.decompress(again, 0, again.length, out[0].length));
        }
    }

    /** @return the output, or null when the block was refused with an IOException */
    private static byte[] outcome(byte[] block) {
        try {
            return SNAPPY.decompress(block, 0, block.length, LIMIT);
        } catch (IOException e) {
            return null;
        } catch (RuntimeException e) {
            return fail("decompress threw " + e, e);
        }
    }
}
