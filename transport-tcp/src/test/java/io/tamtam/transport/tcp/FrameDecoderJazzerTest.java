package io.tamtam.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tamtam.internal.wire.AllocationMeter;
import io.tamtam.DropReason;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link FrameDecoder} on an embedded connection. The first input byte sets how
 * many bytes each read delivers, the rest is what the peer sends. The listener must get exactly the
 * complete frames the bytes hold, in order; a length over the limit must be refused as OVERSIZED and the
 * connection closed; nothing may throw; allocation stays within a fixed amount plus a multiple of the
 * input, whatever lengths the input claims. Replays {@code FrameDecoderJazzerTestInputs/frames};
 * {@code -Pfuzz} fuzzes.
 */
class FrameDecoderJazzerTest {
    private static final AllocationMeter METER = new AllocationMeter();
    /** Above the decoder's large-frame threshold, so its reservation for large frames is exercised. */
    static final int MAX_FRAME = 1 << 20;
    private static final long ALLOC_FIXED = 64 * 1024;
    private static final long ALLOC_PER_BYTE = 16;
    /** What the test itself allocates per read it delivers: the buffer, its copy, the pipeline's events. */
    private static final long ALLOC_PER_READ = 512;
    private static final FuzzChannels.Listener listener = new FuzzChannels.Listener();
    /** The transport whose limits, budget and listener the decoders use; bound to loopback, never sent to. */
    private static TcpTransport transport;

    @org.junit.jupiter.api.BeforeAll
    static void bind() throws java.io.IOException {
        transport = new TcpTransport(new io.tamtam.spi.TransportOptions(1400, MAX_FRAME, java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(10)));
        transport.bind(new java.net.InetSocketAddress("127.0.0.1", 0), listener);
    }

    @org.junit.jupiter.api.AfterAll
    static void close() {
        transport.close();
    }

    @FuzzTest(maxDuration = "30s")
    void frames(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = 1 + (input[0] & 0xFF) * 16;
        byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
        boolean[] open = new boolean[1];
        long bound = ALLOC_FIXED + ALLOC_PER_BYTE * input.length + ALLOC_PER_READ * (1 + bytes.length / chunk);
        long allocated = METER.steadyAllocation(bound, () -> {
            listener.clear();
            FuzzChannels.Connection connection = new FuzzChannels.Connection().with(new FrameDecoder(transport));
            try {
                connection.receive(bytes, chunk);
                open[0] = connection.isOpen();
            } finally {
                connection.finishAndReleaseAll();
            }
        });
        assertTrue(allocated <= bound, "decoding " + input.length + " bytes allocated " + allocated);
        FuzzChannels.Expected expected = FuzzChannels.frames(bytes, MAX_FRAME);
        assertArrayEquals(expected.frames(), listener.frames.toByteArray(), "the frames delivered");
        assertEquals(expected.oversized() ? List.of(DropReason.OVERSIZED) : List.of(), listener.drops);
        assertEquals(!expected.oversized(), open[0], "the connection is closed exactly when a frame is oversized");
    }
}
