package io.tamtam.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tamtam.internal.wire.AllocationMeter;
import io.tamtam.DropReason;
import io.tamtam.spi.TransportOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the connection preface ({@link PrefaceDecoder}) on an embedded inbound
 * connection of a transport bound to loopback: the first input byte sets how many bytes each read
 * delivers, the rest is what the connecting peer sends. Fewer than 8 bytes leave the connection waiting;
 * a wrong magic, version or kind is reported (BAD_MAGIC, UNSUPPORTED_VERSION, MALFORMED) and the
 * connection closed; a FRAMES preface hands exactly the frames that follow to the listener, a STREAM
 * preface a stream. Nothing may throw, and allocation stays within a fixed amount plus a multiple of
 * the input. Replays {@code PrefaceDecoderJazzerTestInputs/connect}; {@code -Pfuzz} fuzzes.
 */
class PrefaceDecoderJazzerTest {
    private static final AllocationMeter METER = new AllocationMeter();
    private static final int MAX_FRAME = 64 * 1024;
    private static final long ALLOC_FIXED = 256 * 1024;
    private static final long ALLOC_PER_BYTE = 16;
    /** What the test itself allocates per read it delivers: the buffer, its copy, the pipeline's events. */
    private static final long ALLOC_PER_READ = 512;
    private static final FuzzChannels.Listener LISTENER = new FuzzChannels.Listener();
    private static TcpTransport transport;

    @BeforeAll
    static void bind() throws IOException {
        transport = new TcpTransport(new TransportOptions(1400, MAX_FRAME, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(30)));
        transport.bind(new InetSocketAddress("127.0.0.1", 0), LISTENER);
    }

    @AfterAll
    static void close() {
        transport.close();
    }

    @FuzzTest(maxDuration = "30s")
    void connect(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = 1 + (input[0] & 0x0F);
        byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
        boolean[] state = new boolean[2];
        long bound = ALLOC_FIXED + ALLOC_PER_BYTE * input.length + ALLOC_PER_READ * (1 + bytes.length / chunk);
        long allocated = METER.steadyAllocation(bound, () -> {
            LISTENER.clear();
            FuzzChannels.Connection connection = new FuzzChannels.Connection()
                    .with(new PrefaceDecoder(transport, Duration.ofSeconds(5).toNanos()));
            try {
                connection.receive(bytes, chunk);
                state[0] = connection.isOpen();
                state[1] = connection.pipeline().get(PrefaceDecoder.class) != null;
            } finally {
                connection.finishAndReleaseAll();
            }
        });
        assertTrue(allocated <= bound, "connecting with " + input.length + " bytes allocated " + allocated);
        boolean open = state[0];
        boolean waiting = state[1];
        if (bytes.length < Preface.LENGTH) {
            assertTrue(open && waiting && LISTENER.drops.isEmpty() && LISTENER.frames.size() == 0, "a short preface is awaited");
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int magic = b.getInt();
        int version = b.get() & 0xFF;
        int kind = b.get() & 0xFF;
        DropReason refused = magic != Preface.MAGIC ? DropReason.BAD_MAGIC
                : version != Preface.VERSION ? DropReason.UNSUPPORTED_VERSION
                : kind != Preface.KIND_FRAMES && kind != Preface.KIND_STREAM ? DropReason.MALFORMED : null;
        if (refused != null) {
            assertEquals(List.of(refused), LISTENER.drops);
            assertTrue(!open && LISTENER.frames.size() == 0 && LISTENER.streams.isEmpty(), "a refused connection is closed");
            return;
        }
        assertTrue(!waiting, "a valid preface was not taken");
        if (kind == Preface.KIND_STREAM) {
            assertEquals(1, LISTENER.streams.size(), "a STREAM preface hands over a stream");
            assertTrue(LISTENER.frames.size() == 0 && LISTENER.drops.isEmpty());
            return;
        }
        FuzzChannels.Expected expected = FuzzChannels.frames(Arrays.copyOfRange(bytes, Preface.LENGTH, bytes.length), MAX_FRAME);
        assertArrayEquals(expected.frames(), LISTENER.frames.toByteArray(), "the frames delivered");
        assertEquals(expected.oversized() ? List.of(DropReason.OVERSIZED) : List.of(), LISTENER.drops);
        assertEquals(!expected.oversized(), open, "the connection is closed exactly when a frame is oversized");
    }
}
