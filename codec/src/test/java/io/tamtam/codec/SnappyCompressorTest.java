package io.tamtam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tamtam.internal.wire.AllocationMeter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnappyCompressorTest {

    private static final AllocationMeter METER = new AllocationMeter();
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

    /** @return the varint Snappy writes before a block: the uncompressed length, 7 bits a byte */
    private static byte[] varint(long value) {
        byte[] out = new byte[5];
        int n = 0;
        while (value >= 0x80) {
            out[n++] = (byte) (value | 0x80);
            value >>>= 7;
        }
        out[n++] = (byte) value;
        return Arrays.copyOf(out, n);
    }

    /** @return a block of one literal byte then {@code copies} copies of 64 bytes at offset 1 */
    private static byte[] maximalBlock(int copies, long declared) {
        byte[] header = varint(declared);
        byte[] block = new byte[header.length + 2 + 3 * copies];
        System.arraycopy(header, 0, block, 0, header.length);
        int at = header.length;
        block[at++] = 0x00; // literal of 1 byte
        block[at++] = 'x';
        for (int i = 0; i < copies; i++) {
            block[at++] = (byte) ((63 << 2) | 2); // copy, 2-byte offset, length 64
            block[at++] = 1;
            block[at++] = 0;
        }
        return block;
    }

    @Test
    void aDatagramDeclaringSixteenMebibytesIsRefusedByItsSizeBeforeAllocating() {
        assertTrue(METER.supported(), "this JVM does not report per-thread allocation; the bound cannot be checked");
        byte[] datagram = new byte[1400];
        byte[] header = varint(16 << 20);
        System.arraycopy(header, 0, datagram, 0, header.length);
        long before = METER.allocatedBytes();
        IOException e = assertThrows(IOException.class,
                () -> snappy.decompress(datagram, 0, datagram.length, 16 << 20));
        long allocated = METER.allocatedBytes() - before;
        assertTrue(e.getMessage().contains("16777216") && e.getMessage().contains("64/3"), e.getMessage());
        assertTrue(allocated < 64 * 1024, "refusing allocated " + allocated + " bytes");
    }

    @Test
    void aLengthAboveTheLimitIsRefusedBeforeTheRatioIsConsidered() {
        byte[] block = maximalBlock(100, 1 + 64 * 100);
        IOException e = assertThrows(IOException.class, () -> snappy.decompress(block, 0, block.length, 1000));
        assertTrue(e.getMessage().contains("limit of 1000"), e.getMessage());
    }

    @Test
    void blocksAtSnappysLargestRatioDecodeAndOneByteMoreIsRefused() throws IOException {
        for (int copies : new int[] {1, 7, 1000}) {
            long produced = 1 + 64L * copies;
            byte[] block = maximalBlock(copies, produced);
            byte[] out = snappy.decompress(block, 0, block.length, Integer.MAX_VALUE);
            assertEquals(produced, out.length);
            assertTrue(out[0] == 'x' && out[out.length - 1] == 'x');
            // The bound is (3 * copies + 2) * 64 / 3 = 64 * copies + 42 bytes: a claim above it is refused
            // before the native decoder runs; one within it that the block does not hold fails there.
            long bound = (3L * copies + 2) * 64 / 3;
            byte[] over = maximalBlock(copies, bound + 1);
            IOException e = assertThrows(IOException.class, () -> snappy.decompress(over, 0, over.length, Integer.MAX_VALUE));
            assertTrue(e.getMessage().contains("64/3"), e.getMessage());
            byte[] within = maximalBlock(copies, bound);
            assertThrows(IOException.class, () -> snappy.decompress(within, 0, within.length, Integer.MAX_VALUE));
        }
    }

    @Test
    void malformedLengthHeadersAreRefused() {
        byte[][] headers = {
            {},                                                              // nothing
            {(byte) 0x80, (byte) 0x80},                                      // ends inside the varint
            {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x1f, 0},   // 2^35 - 1: over 32 bits
            {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0}, // six bytes
        };
        for (byte[] h : headers) {
            assertThrows(IOException.class, () -> snappy.decompress(h, 0, h.length, Integer.MAX_VALUE),
                    () -> "header " + Arrays.toString(h));
        }
    }
}
