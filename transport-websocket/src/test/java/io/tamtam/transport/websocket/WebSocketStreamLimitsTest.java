package io.tamtam.transport.websocket;

import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an accepted stream connection holds for a reader that does not keep up, whatever the peer sends:
 * fragmented messages, pings. The peer is a hand-written client on a plain socket.
 */
class WebSocketStreamLimitsTest {

    private final BlockingQueue<StreamChannel> streams = new LinkedBlockingQueue<>();
    private final StreamTransport.Listener recorded = new StreamTransport.Listener() {
        @Override
        public void onFrame(InetSocketAddress remote, java.nio.ByteBuffer frame) {
        }

        @Override
        public void onStream(StreamChannel stream) {
            streams.add(stream); // kept open, read only when the test says
        }

        @Override
        public void onDropped(InetSocketAddress remote, io.tamtam.DropReason reason) {
        }
    };
    private final WebSocketTransport transport = new WebSocketTransport(new TransportOptions(1400, 4 << 20,
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5)), WebSocketConfig.defaults());

    @AfterEach
    void close() {
        streams.forEach(StreamChannel::close);
        transport.close();
    }

    private InetSocketAddress bind() throws Exception {
        return transport.bind(new InetSocketAddress("127.0.0.1", 0), recorded);
    }

    @Test
    void aStreamWhoseReaderWaitsReadsNoFurtherThanItsBufferEvenFromFragmentedMessages() throws Exception {
        InetSocketAddress at = bind();
        int messages = 512;
        int half = 32 * 1024;
        try (RawWebSocket ws = RawWebSocket.upgrade(at, WebSocketTransport.STREAM)) {
            StreamChannel stream = streams.poll(10, TimeUnit.SECONDS);
            assertNotNull(stream, "the stream was accepted");
            // 32 MiB as 64 KiB messages of two fragments each, behind a 1,000-byte message, written 1 MiB at
            // a time: the node's reads end inside messages, and the aggregator asks for another read after
            // every read that does.
            byte[] first = RawWebSocket.frame(RawWebSocket.BINARY, false, half);
            byte[] last = RawWebSocket.frame(RawWebSocket.CONTINUATION, true, half);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            all.write(RawWebSocket.frame(RawWebSocket.BINARY, true, 1000));
            for (int i = 0; i < messages; i++) {
                all.write(first);
                all.write(last);
            }
            byte[] wire = all.toByteArray();
            Thread writer = new Thread(() -> {
                try {
                    for (int off = 0; off < wire.length; off += 1 << 20) {
                        ws.write(java.util.Arrays.copyOfRange(wire, off, Math.min(wire.length, off + (1 << 20))));
                    }
                    ws.flush();
                } catch (java.io.IOException closed) {
                    // the test failed and closed the socket
                }
            });
            writer.start();
            InputStream in = stream.inputStream();
            long peak = WebSocketBudgetTest.peakDuring(Duration.ofSeconds(2), () -> {
                try {
                    return in.available();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long bound = WebSocketTransport.STREAM_BUFFER_BYTES + 256 * 1024;
            assertTrue(peak <= bound, "the stream buffered " + peak + " bytes, more than " + bound);
            // The reader catches up: reading turns the connection back on, and every byte comes.
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            while (total < 1000 + (long) messages * 2 * half) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the stream ended early, after " + total + " bytes");
                total += n;
            }
            writer.join(10_000);
            assertEquals(1000 + (long) messages * 2 * half, total);
        }
    }

    @Test
    void pingsOnAStreamAreNotAnsweredWhileThePeerReadsNothing() throws Exception {
        InetSocketAddress at = bind();
        WebSocketBudgetTest.assertPingFloodQueuesNoPongs(transport, at, WebSocketTransport.STREAM);
    }
}
