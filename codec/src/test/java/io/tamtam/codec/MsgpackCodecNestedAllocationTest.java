package io.tamtam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tamtam.codec.Payloads.Tree;
import io.tamtam.internal.wire.AllocationMeter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every container header is checked against the bytes that remain, and the declarations of all
 * containers together are checked against the input: nested array32 or map32 headers that each declare
 * every byte that follows must not make each level pre-size a container for all of them.
 */
class MsgpackCodecNestedAllocationTest {

    private static final AllocationMeter METER = new AllocationMeter();
    /** Bytes of heap a decode may take per input byte (the widest element, a long, takes 8). */
    private static final long PER_BYTE = 16;
    /** Bytes of heap a decode may take regardless of its input (the exception, its message, ...). */
    private static final long FIXED = 64 * 1024;
    private static final int LENGTH = 256 * 1024;

    private final MsgpackCodec codec = new MsgpackCodec();

    /** @return {@code length} bytes: {@code levels} headers, each written by {@code level}, then nils */
    private static byte[] nested(int length, int levels, Consumer<ByteBuffer> level) {
        ByteBuffer b = ByteBuffer.allocate(length);
        for (int k = 0; k < levels; k++) {
            level.accept(b);
        }
        byte[] out = b.array();
        Arrays.fill(out, b.position(), length, (byte) 0xc0);
        return out;
    }

    /** @return nested array32 headers, each declaring as many elements as bytes follow it */
    private static byte[] nestedArrays(int length, int levels) {
        return nested(length, levels, b -> b.put((byte) 0xdd).putInt(b.remaining() - 4));
    }

    /** @return nested map32 headers, each with as many entries as could follow it and a nil first key */
    private static byte[] nestedMaps(int length, int levels) {
        return nested(length, levels, b -> b.put((byte) 0xdf).putInt((b.remaining() - 4) / 2).put((byte) 0xc0));
    }

    /** @return Tree records nested through their children lists, each list declaring every byte after it */
    private static byte[] nestedTrees(int length, int levels) {
        byte[] key = "children".getBytes(StandardCharsets.US_ASCII);
        return nested(length, levels, b -> b.put((byte) 0x81).put((byte) 0xa8).put(key).put((byte) 0xdd)
                .putInt(b.remaining() - 4));
    }

    /** Decodes hostile input, which must fail with an IOException, and returns the bytes that took. */
    private long allocationOfFailedDecode(byte[] input, Class<?> type) {
        assertTrue(METER.supported(), "this JVM does not report per-thread allocation; the bound cannot be checked");
        long bound = FIXED + PER_BYTE * input.length;
        return METER.steadyAllocation(bound, () -> assertThrows(IOException.class,
                () -> codec.decode(input, 0, input.length, type), () -> "decoding as " + type.getName()));
    }

    private void assertBounded(byte[] input, Class<?> type) {
        long allocated = allocationOfFailedDecode(input, type);
        assertTrue(allocated <= FIXED + PER_BYTE * input.length, () -> "decoding " + input.length + " bytes as "
                + type.getName() + " allocated " + allocated + " bytes (" + allocated / input.length + " per byte)");
    }

    @Test
    void nestedArrayHeadersDecodedAsObjectAllocateInProportionToTheInput() {
        assertBounded(nestedArrays(LENGTH, MsgpackReader.MAX_DEPTH - 1), Object.class);
        assertBounded(nestedArrays(LENGTH, MsgpackReader.MAX_DEPTH - 1), List.class);
    }

    @Test
    void nestedArrayHeadersDecodedAsArraysAllocateInProportionToTheInput() throws ClassNotFoundException {
        int levels = MsgpackReader.MAX_DEPTH - 1;
        Class<?> longs = Class.forName("[".repeat(levels) + "J");
        assertBounded(nestedArrays(LENGTH, levels), longs);
        assertBounded(nestedArrays(LENGTH, levels), Object[].class);
    }

    @Test
    void nestedListsInRecordsAllocateInProportionToTheInput() {
        assertBounded(nestedTrees(LENGTH, MsgpackReader.MAX_DEPTH / 2 - 1), Tree.class);
    }

    @Test
    void aDatagramOfNestedArrayHeadersAllocatesInProportionToItsSize() {
        assertBounded(nestedArrays(1400, MsgpackReader.MAX_DEPTH - 1), Object.class);
    }

    @Test
    void containersDeclaringMoreValuesThanTheInputHoldsFailAtTheirHeader() {
        byte[] arrays = nestedArrays(4096, 3);
        byte[] maps = nestedMaps(4096, 3);
        byte[] trees = nestedTrees(4096, 3);
        assertOverDeclared(arrays, Object.class);
        assertOverDeclared(arrays, List.class);
        assertOverDeclared(arrays, Object[].class);
        assertOverDeclared(maps, Object.class);
        assertOverDeclared(maps, Map.class);
        assertOverDeclared(trees, Tree.class);
        assertOverDeclared(trees, Object.class);
    }

    private void assertOverDeclared(byte[] input, Class<?> type) {
        IOException e = assertThrows(IOException.class, () -> codec.decode(input, 0, input.length, type));
        assertTrue(e.getMessage().startsWith("cannot decode " + type.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("more values than"), e.getMessage());
    }

    @Test
    void inputsDeclaringAsManyValuesAsTheyHoldStillDecode() throws IOException {
        // One array32 of 10,000 fixarrays of one nil: 20,000 values declared in 20,005 bytes.
        ByteArrayOutputStream lists = new ByteArrayOutputStream();
        lists.writeBytes(new byte[] {(byte) 0xdd, 0, 0, 0x27, 0x10});
        for (int i = 0; i < 10_000; i++) {
            lists.writeBytes(new byte[] {(byte) 0x91, (byte) 0xc0});
        }
        byte[] input = lists.toByteArray();
        List<?> decoded = codec.decode(input, 0, input.length, List.class);
        assertEquals(10_000, decoded.size());
        assertEquals(Arrays.asList((Object) null), decoded.get(9_999));

        // One map32 of 5,000 entries from an int to an empty map: 10,000 values.
        ByteArrayOutputStream maps = new ByteArrayOutputStream();
        maps.writeBytes(new byte[] {(byte) 0xdf, 0, 0, 0x13, (byte) 0x88});
        for (int i = 0; i < 5_000; i++) {
            maps.writeBytes(codec.encode(i));
            maps.write(0x80);
        }
        byte[] mapInput = maps.toByteArray();
        assertEquals(5_000, codec.decode(mapInput, 0, mapInput.length, Map.class).size());

        // Fixarrays of one element nested 60 deep around a nil: 60 values declared in 61 bytes, the most
        // any input can hold, since every value but the outermost is an element and starts a byte of its own.
        byte[] deep = new byte[61];
        Arrays.fill(deep, (byte) 0x91);
        deep[60] = (byte) 0xc0;
        Object value = codec.decode(deep, 0, deep.length, Object.class);
        for (int i = 0; i < 60; i++) {
            value = ((List<?>) value).get(0);
        }
        assertEquals(null, value);
    }
}
