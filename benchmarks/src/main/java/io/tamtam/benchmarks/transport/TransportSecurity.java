package io.tamtam.benchmarks.transport;

import io.netty.handler.ssl.OpenSsl;
import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import io.tamtam.transport.tcp.DevCertificates;
import io.tamtam.transport.tcp.TcpTransport;
import io.tamtam.transport.tcp.TlsConfig;
import io.tamtam.transport.websocket.WebSocketConfig;
import io.tamtam.transport.websocket.WebSocketTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Transport figures on loopback, all measured in one run so that they compare: stream-path frames per
 * second over TCP and over WebSocket; TLS handshake cost (a new connection with mutual TLS, ECDSA P-256,
 * against a plaintext connection) and stream MB/s under TLS against plaintext, for the JDK engine and for
 * OpenSSL (netty-tcnative-boringssl-static) when it loads. Each figure is the median of {@link #ROUNDS}
 * rounds after a discarded warm-up round, with min and max. Prints one JSON object per line.
 *
 * <p>Run: {@code ./mvnw -q -B -DskipTests -pl benchmarks -am package} then
 * {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/runtime-classpath.txt)
 * io.tamtam.benchmarks.transport.TransportSecurity}.
 */
public final class TransportSecurity {

    private static final int ROUNDS = 5;
    private static final int FRAMES = 100_000;
    private static final int FRAME_BYTES = 100;
    private static final int HANDSHAKES = 100;
    private static final int STREAM_BYTES = 64 << 20;
    private static final TransportOptions OPTIONS = new TransportOptions(1400, 16 << 20, Duration.ofSeconds(10),
            Duration.ofSeconds(60), Duration.ofSeconds(30));

    private TransportSecurity() {
    }

    /** A pair of bound transports, the receiving side counting frames and draining streams. */
    private record Pair(StreamTransport a, StreamTransport b, InetSocketAddress bAddress, AtomicLong framesAtB)
            implements AutoCloseable {
        @Override
        public void close() {
            a.close();
            b.close();
        }
    }

    private static Pair pair(Function<Integer, StreamTransport> make) throws IOException {
        StreamTransport a = make.apply(0);
        StreamTransport b = make.apply(1);
        AtomicLong frames = new AtomicLong();
        StreamTransport.Listener drainer = new StreamTransport.Listener() {
            @Override
            public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
                frames.incrementAndGet();
            }

            @Override
            public void onStream(StreamChannel stream) {
                Thread t = new Thread(() -> {
                    try (stream; InputStream in = stream.inputStream(); OutputStream out = stream.outputStream()) {
                        byte[] buf = new byte[256 << 10];
                        long total = 0;
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            total += n;
                        }
                        out.write(ByteBuffer.allocate(8).putLong(total).array());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, "bench-drain");
                t.setDaemon(true);
                t.start();
            }

            @Override
            public void onDropped(InetSocketAddress remote, DropReason reason) {
                System.err.println("dropped from " + remote + ": " + reason);
            }
        };
        a.bind(new InetSocketAddress("127.0.0.1", 0), drainer);
        InetSocketAddress bAt = b.bind(new InetSocketAddress("127.0.0.1", 0), drainer);
        return new Pair(a, b, bAt, frames);
    }

    /** @return frames per second from a to b, counting those b received */
    private static double framesPerSecond(Pair p) throws Exception {
        byte[] payload = new byte[FRAME_BYTES];
        long before = p.framesAtB().get();
        long start = System.nanoTime();
        CompletableFuture<Void> last = null;
        for (int i = 0; i < FRAMES; i++) {
            last = p.a().sendFrame(p.bAddress(), ByteBuffer.wrap(payload));
            if ((i & 4095) == 4095) {
                last.get(60, TimeUnit.SECONDS); // keep the send queue bounded
            }
        }
        last.get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.framesAtB().get() - before < FRAMES && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return (p.framesAtB().get() - before) / seconds;
    }

    /** @return milliseconds per new connection: open a stream, send 1 byte, read the 8-byte answer */
    private static double connectMillis(Pair p) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < HANDSHAKES; i++) {
            try (StreamChannel s = p.a().openStream(p.bAddress()).get(30, TimeUnit.SECONDS)) {
                s.outputStream().write(1);
                s.outputStream().close();
                s.inputStream().readNBytes(8);
            }
        }
        return (System.nanoTime() - start) / 1e6 / HANDSHAKES;
    }

    /** @return MB/s of one stream carrying {@link #STREAM_BYTES} random bytes */
    private static double streamMBps(Pair p, byte[] chunk) throws Exception {
        long start = System.nanoTime();
        try (StreamChannel s = p.a().openStream(p.bAddress()).get(30, TimeUnit.SECONDS)) {
            OutputStream out = s.outputStream();
            for (long sent = 0; sent < STREAM_BYTES; sent += chunk.length) {
                out.write(chunk);
            }
            out.close();
            long got = ByteBuffer.wrap(s.inputStream().readNBytes(8)).getLong();
            if (got != STREAM_BYTES) {
                throw new IOException("the receiver counted " + got + " bytes, not " + STREAM_BYTES);
            }
        }
        return STREAM_BYTES / (1024.0 * 1024.0) / ((System.nanoTime() - start) / 1e9);
    }

    private interface Measure {
        double run(Pair p) throws Exception;
    }

    private static void report(String name, String unit, Function<Integer, StreamTransport> make, Measure m)
            throws Exception {
        double[] values = new double[ROUNDS];
        try (Pair p = pair(make)) {
            m.run(p); // warm-up, discarded
            for (int i = 0; i < ROUNDS; i++) {
                values[i] = m.run(p);
            }
        }
        Arrays.sort(values);
        System.out.printf(Locale.ROOT, "{\"figure\":\"%s\",\"unit\":\"%s\",\"median\":%.3f,\"min\":%.3f,\"max\":%.3f,\"rounds\":%d}%n",
                name, unit, values[ROUNDS / 2], values[0], values[ROUNDS - 1], ROUNDS);
    }

    /**
     * @param args ignored
     * @throws Exception when a measurement fails
     */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("tamtam-tls-bench");
        DevCertificates.CertSet certs = DevCertificates.generate(dir, Duration.ofDays(1), "127.0.0.1", "127.0.0.1");
        List<TlsConfig.Engine> engines = new ArrayList<>(List.of(TlsConfig.Engine.JDK));
        if (OpenSsl.isAvailable()) {
            engines.add(TlsConfig.Engine.OPENSSL);
            System.err.println("OpenSSL: " + OpenSsl.versionString());
        } else {
            System.err.println("OpenSSL engine unavailable: " + OpenSsl.unavailabilityCause());
        }
        byte[] chunk = new byte[64 << 10];
        new SplittableRandom(1).nextBytes(chunk);

        Function<Integer, StreamTransport> tcp = i -> new TcpTransport(OPTIONS);
        Function<Integer, StreamTransport> ws = i -> new WebSocketTransport(OPTIONS, WebSocketConfig.defaults());
        report("frames/s tcp", "frames/s", tcp, TransportSecurity::framesPerSecond);
        report("frames/s websocket", "frames/s", ws, TransportSecurity::framesPerSecond);

        report("connect ms plaintext", "ms", tcp, TransportSecurity::connectMillis);
        report("stream MB/s plaintext", "MB/s", tcp, p -> streamMBps(p, chunk));
        for (TlsConfig.Engine engine : engines) {
            String e = engine.name().toLowerCase(Locale.ROOT);
            Function<Integer, StreamTransport> tls = i -> {
                try {
                    return new TcpTransport(OPTIONS, null, certs.tlsBuilder("node-" + i).engine(engine).build());
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            };
            report("connect ms tls " + e, "ms", tls, TransportSecurity::connectMillis);
            report("stream MB/s tls " + e, "MB/s", tls, p -> streamMBps(p, chunk));
        }
        System.exit(0);
    }
}
