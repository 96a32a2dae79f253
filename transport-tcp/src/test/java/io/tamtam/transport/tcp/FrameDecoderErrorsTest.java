package io.tamtam.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An {@link Error} out of the frame listener (an allocation that failed, say) closes the connection
 * without losing the frame's budget reservation or the bytes read. The tests throw an
 * {@link InternalError}: JUnit rethrows an {@link OutOfMemoryError} from {@code assertThrows}.
 */
class FrameDecoderErrorsTest {

    private static final int MIB = 1 << 20;

    private final Transports transports = new Transports();

    @AfterEach
    void close() throws Exception {
        transports.close();
    }

    /** @return a bound transport whose listener throws {@code error} from the method {@code where} names */
    private TcpTransport transport(String where, Error error) throws Exception {
        TcpTransport t = transports.add(new TcpTransport(new TransportOptions(1400, 4 * MIB, Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofSeconds(30))));
        t.bind(new InetSocketAddress("127.0.0.1", 0), new StreamTransport.Listener() {
            @Override
            public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
            }

            @Override
            public void onLargeFrame(InetSocketAddress remote, ByteBuffer frame, Runnable release) {
                if (where.equals("onLargeFrame")) {
                    throw error;
                }
                release.run();
            }

            @Override
            public byte[] largeFrameTail(InetSocketAddress remote, ByteBuffer head, int frameLength) {
                if (where.equals("largeFrameTail")) {
                    throw error;
                }
                return null;
            }

            @Override
            public void onStream(StreamChannel stream) {
                stream.close();
            }

            @Override
            public void onDropped(InetSocketAddress remote, DropReason reason) {
            }
        });
        return t;
    }

    private static ByteBuf frameStart(int length, int bytes) {
        return Unpooled.buffer(4 + bytes).writeInt(length).writeZero(bytes);
    }

    @Test
    void anErrorFromTheListenerGivesTheFramesReservationBack() throws Exception {
        TcpTransport t = transport("onLargeFrame", new InternalError("simulated"));
        FuzzChannels.Connection ch = new FuzzChannels.Connection().with(new FrameDecoder(t));
        Error thrown = assertThrows(InternalError.class, () -> ch.writeInbound(frameStart(100_000, 100_000)));
        assertEquals("simulated", thrown.getMessage());
        assertEquals(0, t.inboundBufferReserved());
        ch.finishAndReleaseAll();
        assertEquals(0, t.inboundBufferReserved());
    }

    @Test
    void anErrorWhileAFrameIsReadReleasesTheReadBuffer() throws Exception {
        TcpTransport t = transport("largeFrameTail", new InternalError("simulated"));
        FuzzChannels.Connection ch = new FuzzChannels.Connection().with(new FrameDecoder(t));
        ch.writeInbound(frameStart(3 * MIB, 1000));
        assertEquals(3 * MIB, t.inboundBufferReserved());
        // Past 1 MiB of the frame the listener is asked for its tail, and fails.
        ByteBuf read = Unpooled.buffer(MIB).writeZero(MIB);
        assertThrows(InternalError.class, () -> ch.writeInbound(read));
        assertEquals(0, read.refCnt());
        ch.finishAndReleaseAll();
        assertEquals(0, t.inboundBufferReserved());
    }
}
