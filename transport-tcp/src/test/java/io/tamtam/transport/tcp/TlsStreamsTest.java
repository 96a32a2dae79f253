package io.tamtam.transport.tcp;

import io.tamtam.spi.StreamChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS on the TCP transport with each engine: frames and a half-closed stream (refusals are in
 * {@code TlsClusterTest}).
 */
class TlsStreamsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = TlsConfig.Engine.class, names = {"JDK", "OPENSSL"})
    void framesAndAHalfClosedStreamCrossTls(TlsConfig.Engine engine) throws Exception {
        DevCertificates.CertSet certs = DevCertificates.generate(dir, Duration.ofDays(1), "127.0.0.1", "127.0.0.1");
        TlsConfig tlsA = certs.tlsBuilder("node-0").engine(engine).build();
        assertEquals(engine, tlsA.engine());
        RecordingListener atB = new RecordingListener();
        try (TcpTransport a = new TcpTransport(Transports.DEFAULTS, null, tlsA);
             TcpTransport b = new TcpTransport(Transports.DEFAULTS, null, certs.tlsBuilder("node-1").engine(engine).build())) {
            a.bind(new InetSocketAddress("127.0.0.1", 0), new RecordingListener());
            InetSocketAddress bAt = b.bind(new InetSocketAddress("127.0.0.1", 0), atB);
            a.sendFrame(bAt, ByteBuffer.wrap(new byte[] {1, 2, 3})).get(20, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> !atB.frames.isEmpty() || !atB.drops.isEmpty());
            assertEquals(1, atB.frames.size(), () -> "the frame at b; b's drops: " + atB.drops);
            assertArrayEquals(new byte[] {1, 2, 3}, atB.frames.get(0));

            byte[] data = new byte[1 << 20];
            new SplittableRandom(5).nextBytes(data);
            try (StreamChannel s = a.openStream(bAt).get(20, TimeUnit.SECONDS)) {
                StreamChannel accepted = atB.streams.poll(20, TimeUnit.SECONDS);
                assertTrue(accepted != null, "the stream was accepted");
                Thread echo = new Thread(() -> {
                    try (accepted; InputStream in = accepted.inputStream(); OutputStream out = accepted.outputStream()) {
                        out.write(in.readAllBytes());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                echo.start();
                s.outputStream().write(data);
                s.outputStream().close();
                byte[] back = s.inputStream().readAllBytes();
                echo.join(TimeUnit.SECONDS.toMillis(30));
                assertTrue(Arrays.equals(data, back), "the echo is the data, " + back.length + " bytes");
            }
            assertEquals(0, atB.drops.size(), atB.drops::toString);
        }
    }

    @org.junit.jupiter.api.Test
    void aHandshakeThatStallsIsClosedByThePrefaceTimeoutAndCountedOnceAsASlowSender() throws Exception {
        DevCertificates.CertSet certs = DevCertificates.generate(dir, Duration.ofDays(1), "127.0.0.1", "127.0.0.1");
        RecordingListener listener = new RecordingListener();
        io.tamtam.spi.TransportOptions options = Transports.DEFAULTS.withInboundLimits(Duration.ofMillis(500), 128 * 1024,
                Duration.ofMillis(300), 1024, 256, 32 << 20);
        try (TcpTransport node = new TcpTransport(options, null, certs.tlsBuilder("node-1").build());
             java.net.Socket socket = new java.net.Socket()) {
            InetSocketAddress at = node.bind(new InetSocketAddress("127.0.0.1", 0), listener);
            socket.connect(at, 5000);
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x50}); // a record header, then nothing
            socket.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(15)).until(() -> node.openInboundConnections() == 0
                    && listener.drops.contains(io.tamtam.DropReason.SLOW_SENDER));
            assertEquals(java.util.List.of(io.tamtam.DropReason.SLOW_SENDER), java.util.List.copyOf(listener.drops));
        }
    }
}
