package io.tamtam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnappyCompressorTest {

    private final SnappyCompressor snappy = new SnappyCompressor();

    @Test
    void nameAndWireId() {
        assertEquals("snappy", snappy.name());
        assertEquals(1, snappy.id());
    }

    @Test
    void roundTripsCompressibleRandomEmptyAndSlicedInput() throws IOException {
        byte[] text = "alive suspect dead ".repeat(500).getBytes(StandardCharsets.US_ASCII);
        byte[] compressed = snappy.compress(text, 0, text.length);
        assertTrue(compressed.length < text.length / 10, "repetitive text compresses");
        assertArrayEquals(text, snappy.decompress(compressed, 0, compressed.length, text.length));

        byte[] random = new byte[4096];
        new Random(3).nextBytes(random);
        byte[] packed = snappy.compress(random, 0, random.length);
        assertArrayEquals(random, snappy.decompress(packed, 0, packed.length, random.length));

        byte[] empty = snappy.compress(new byte[0], 0, 0);
        assertArrayEquals(new byte[0], snappy.decompress(empty, 0, empty.length, 0));

        byte[] slice = snappy.compress(text, 100, 1000);
        byte[] padded = new byte[slice.length + 10];
        System.arraycopy(slice, 0, padded, 5, slice.length);
        assertArrayEquals(Arrays.copyOfRange(text, 100, 1100), snappy.decompress(padded, 5, slice.length, 1000));
    }

    @Test
    void refusesOutputAboveTheLimit() throws IOException {
        byte[] data = new byte[10_000];
        byte[] compressed = snappy.compress(data, 0, data.length);
        IOException e = assertThrows(IOException.class,
                () -> snappy.decompress(compressed, 0, compressed.length, 9_999));
        assertTrue(e.getMessage().contains("10000") && e.getMessage().contains("9999"), e.getMessage());
        assertEquals(10_000, snappy.decompress(compressed, 0, compressed.length, 10_000).length);
    }

    @Test
    void aHeaderClaimingTwoGigabytesIsRefusedBeforeAllocating() {
        // Varint 2^31 - 1 followed by a literal of one byte.
        byte[] hostile = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00, 0x41};
        assertThrows(IOException.class, () -> snappy.decompress(hostile, 0, hostile.length, 65_536));
        // Same claim with a limit that admits it: the native decoder finds the body too short.
        byte[] small = {0x40, 0x00, 0x41}; // claims 64 bytes, holds one
        assertThrows(IOException.class, () -> snappy.decompress(small, 0, small.length, 65_536));
    }

    @Test
    void corruptInputOnlyEverFailsWithIoException() throws IOException {
        assertThrows(IOException.class, () -> snappy.decompress(new byte[0], 0, 0, 100));
        byte[] valid = snappy.compress("hello hello hello hello".getBytes(StandardCharsets.US_ASCII), 0, 23);
        for (int length = 0; length < valid.length; length++) {
            int n = length;
            assertThrows(IOException.class, () -> snappy.decompress(valid, 0, n, 100), "cut to " + n);
        }
        Random random = new Random(11);
        int failures = 0;
        for (int i = 0; i < 1_000; i++) {
            byte[] garbage = new byte[1 + random.nextInt(64)];
            random.nextBytes(garbage);
            try {
                snappy.decompress(garbage, 0, garbage.length, 1 << 16);
            } catch (IOException expected) {
                failures++;
            }
        }
        assertTrue(failures > 900, "only " + failures + " of 1000 garbage inputs were rejected");
    }
}
