package io.tamtam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tamtam.internal.wire.AllocationMeter;
import io.tamtam.codec.Payloads.Account;
import io.tamtam.codec.Payloads.CollectionKinds;
import io.tamtam.codec.Payloads.Color;
import io.tamtam.codec.Payloads.Dynamic;
import io.tamtam.codec.Payloads.Optionals;
import io.tamtam.codec.Payloads.Point;
import io.tamtam.codec.Payloads.Primitives;
import io.tamtam.codec.Payloads.Scalars;
import io.tamtam.codec.Payloads.Tree;
import io.tamtam.codec.Payloads.WithNulls;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of {@link MsgpackCodec#decode}: the first input byte picks the class (records,
 * a recursive record, collections and maps of records and enums, optionals, a plain class, an enum,
 * arrays, and dynamic {@code Object}), the rest is decoded as it. The only outcomes are a value or an
 * IOException; a decoded value encodes, and that encoding decodes to a value encoding to the same bytes.
 * Allocation stays within a fixed amount plus a multiple of the input. Replays
 * {@code MsgpackDecodeJazzerTestInputs/decode}; {@code -Pfuzz} fuzzes.
 */
class MsgpackDecodeJazzerTest {
    private static final AllocationMeter METER = new AllocationMeter();
    /** The classes the first input byte picks from (modulo their number). */
    static final List<Class<?>> TYPES = List.of(Point.class, Scalars.class, CollectionKinds.class, Optionals.class,
            Tree.class, Account.class, Color.class, Map.class, List.class, Object.class, int[].class, Primitives.class,
            WithNulls.class, Dynamic.class, Point[].class, String.class);
    private static final long ALLOC_FIXED = 512 * 1024;
    private static final long ALLOC_PER_BYTE = 256;
    private static final MsgpackCodec CODEC = new MsgpackCodec();

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        Class<?> type = TYPES.get((input[0] & 0xFF) % TYPES.size());
        Object[] value = new Object[1];
        long bound = ALLOC_FIXED + ALLOC_PER_BYTE * input.length;
        long allocated = METER.steadyAllocation(bound, () -> value[0] = outcome(input, type));
        assertTrue(allocated <= bound, "decoding " + input.length + " bytes as " + type.getSimpleName() + " allocated " + allocated);
        if (value[0] == null) {
            return;
        }
        byte[] once = CODEC.encode(value[0]);
        byte[] twice = CODEC.encode(CODEC.decode(once, 0, once.length, type));
        assertArrayEquals(once, twice, "re-encoding a decoded " + type.getSimpleName() + " is not stable");
    }

    /** @return the value, or null when decoding failed with an IOException */
    private static Object outcome(byte[] input, Class<?> type) {
        try {
            return CODEC.decode(input, 1, input.length - 1, type);
        } catch (IOException e) {
            return null;
        } catch (RuntimeException | StackOverflowError e) {
            return fail("decoding as " + type.getName() + " threw " + e, e);
        }
    }
}
