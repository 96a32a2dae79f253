package io.tamtam.internal.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of {@link MessageCodec#read}: the first input byte is the type, the rest the
 * fields. The fields decode to a message or fail with a {@link WireException} with a drop reason; a
 * decoded message encodes to fields that decode to a message encoding to the same bytes (invalid UTF-8
 * and IPv4-mapped addresses are normalized once, never again). Allocation stays within a fixed amount
 * plus a multiple of the input. Replays {@code MessageCodecJazzerTestInputs/read}; {@code -Pfuzz} fuzzes.
 */
class MessageCodecJazzerTest {
    private static final AllocationMeter METER = new AllocationMeter();

    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws WireException {
        if (input.length == 0) {
            return;
        }
        int type = input[0] & 0xFF;
        Message[] read = new Message[1];
        long bound = PacketFuzzing.ALLOC_FIXED + PacketFuzzing.ALLOC_PER_BYTE * input.length;
        long allocated = METER.steadyAllocation(bound, () -> read[0] = outcome(type, input));
        assertTrue(allocated <= bound, "reading " + input.length + " bytes allocated " + allocated + ": " + HexVector.hex(input));
        Message m = read[0];
        if (m == null) {
            return;
        }
        assertEquals(type, m.type(), "the decoded message's type");
        byte[] once = fields(m);
        byte[] twice = fields(MessageCodec.read(type, new WireReader(once, 0, once.length)));
        assertArrayEquals(once, twice, "re-encoding is not stable for " + HexVector.hex(input));
    }

    /** @return the message, or null when it was dropped with a reason */
    private static Message outcome(int type, byte[] input) {
        try {
            return MessageCodec.read(type, new WireReader(input, 1, input.length - 1));
        } catch (WireException e) {
            assertNotNull(e.reason(), "a drop without a reason");
        } catch (RuntimeException e) {
            fail("reading type " + type + " threw " + e + " for " + HexVector.hex(input), e);
        }
        return null;
    }

    private static byte[] fields(Message m) {
        WireWriter w = new WireWriter(64);
        MessageCodec.writeFields(m, w);
        return w.toByteArray();
    }
}
