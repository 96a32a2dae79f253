package io.tamtam.transport.tcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tamtam.spi.StreamChannel;
import io.tamtam.transport.tcp.Transports.Node;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(120)
class TcpStreamsTest {

    private static final int SIXTY_FOUR_MIB = 64 << 20;

    private final Transports transports = new Transports();
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "stream-test");
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void closeAll() {
        threads.shutdownNow();
        transports.close();
    }

    /** Both ends of one stream. */
    private record Pair(StreamChannel opened, StreamChannel accepted) {
    }

    private Pair open(Node from, Node to) throws Exception {
        StreamChannel opened = transports.add(from.transport().openStream(to.address()).get(10, TimeUnit.SECONDS));
        await().until(() -> !to.listener().streams.isEmpty());
        StreamChannel accepted = transports.add(to.listener().streams.poll());
        return new Pair(opened, accepted);
    }

    /** Writes {@code total} pseudo-random bytes in pieces of varied size, then half-closes; returns the CRC. */
    private static long writeAll(OutputStream out, long total, long seed, AtomicLong accepted) throws IOException {
        Random random = new Random(seed);
        byte[] piece = new byte[200_000];
        CRC32 crc = new CRC32();
        long left = total;
        while (left > 0) {
            int n = (int) Math.min(left, 1 + random.nextInt(piece.length));
            random.nextBytes(piece);
            out.write(piece, 0, n);
            crc.update(piece, 0, n);
            accepted.addAndGet(n);
            left -= n;
        }
        out.close();
        return crc.getValue();
    }

    /** Reads to end of stream; returns {byte count, CRC}. */
    private static long[] readAll(InputStream in) throws IOException {
        byte[] buffer = new byte[100_000];
        CRC32 crc = new CRC32();
        long count = 0;
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) != -1) {
            crc.update(buffer, 0, n);
            count += n;
        }
        return new long[] {count, crc.getValue()};
    }

    private <T> Future<T> start(Callable<T> task) {
        return threads.submit(task);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void sixtyFourMibEachWayArriveIntact(String host) throws Exception {
        Node a = transports.node(host);
        Node b = transports.node(host);
        Pair pair = open(a, b);
        assertEquals(b.address(), pair.opened().remoteAddress());

        Future<Long> aWrites = start(() -> writeAll(pair.opened().outputStream(), SIXTY_FOUR_MIB, 1, new AtomicLong()));
        Future<Long> bWrites = start(() -> writeAll(pair.accepted().outputStream(), SIXTY_FOUR_MIB, 2, new AtomicLong()));
        Future<long[]> bReads = start(() -> readAll(pair.accepted().inputStream()));
        Future<long[]> aReads = start(() -> readAll(pair.opened().inputStream()));

        long[] atB = bReads.get(60, TimeUnit.SECONDS);
        long[] atA = aReads.get(60, TimeUnit.SECONDS);
        assertEquals(SIXTY_FOUR_MIB, atB[0]);
        assertEquals(aWrites.get(60, TimeUnit.SECONDS), atB[1]);
        assertEquals(SIXTY_FOUR_MIB, atA[0]);
        assertEquals(bWrites.get(60, TimeUnit.SECONDS), atA[1]);
        assertEquals(1, a.transport().openStreams());
        assertEquals(0, a.transport().openConnections(), "streams are not frame connections");
    }

    @Test
    void halfCloseEndsOneDirectionOnly() throws Exception {
        Node a = transports.node("127.0.0.1");
        Node b = transports.node("127.0.0.1");
        Pair pair = open(a, b);

        pair.opened().outputStream().write("question".getBytes(StandardCharsets.UTF_8));
        pair.opened().outputStream().close();
        pair.opened().outputStream().close();
        assertThrows(IOException.class, () -> pair.opened().outputStream().write(1));
        assertArrayEquals("question".getBytes(StandardCharsets.UTF_8), pair.accepted().inputStream().readAllBytes());
        assertEquals(-1, pair.accepted().inputStream().read());

        // The other direction still works after the half-close.
        pair.accepted().outputStream().write("answer".getBytes(StandardCharsets.UTF_8));
        pair.accepted().outputStream().close();
        assertArrayEquals("answer".getBytes(StandardCharsets.UTF_8), pair.opened().inputStream().readAllBytes());

        pair.opened().close();
        pair.accepted().close();
        await().until(() -> a.transport().openStreams() == 0 && b.transport().openStreams() == 0);
    }

    @Test
    void aReaderThatStallsBlocksTheWriterWithBoundedBuffering() throws Exception {
        Node a = transports.node("127.0.0.1");
        Node b = transports.node("127.0.0.1");
        Pair pair = open(a, b);
        AtomicLong accepted = new AtomicLong();
        Thread[] writerThread = new Thread[1];
        Future<Long> writer = start(() -> {
            writerThread[0] = Thread.currentThread();
            return writeAll(pair.opened().outputStream(), SIXTY_FOUR_MIB, 3, accepted);
        });

        long[] lastSeen = {-1};
        await().pollInterval(Duration.ofMillis(200)).until(() -> {
            long now = accepted.get();
            boolean stable = now == lastSeen[0];
            lastSeen[0] = now;
            return stable && writerThread[0] != null && blocked(writerThread[0]);
        });
        long held = accepted.get();
        // The transport holds at most STREAM_BUFFER_BYTES per side (plus one read burst); the rest is
        // the kernel's socket buffers, which autotuning may grow to a few MiB each.
        assertTrue(held < 24 << 20, "writer got " + held + " bytes ahead of a reader that reads nothing");
        assertTrue(pair.accepted().inputStream().available() <= 2 * TcpTransport.STREAM_BUFFER_BYTES);

        long[] read = readAll(pair.accepted().inputStream());
        assertEquals(SIXTY_FOUR_MIB, read[0]);
        assertEquals(writer.get(60, TimeUnit.SECONDS), read[1]);
    }

    private static void awaitBlocked(Thread[] thread) {
        await().until(() -> thread[0] != null && blocked(thread[0]));
    }

    /** @return whether {@code t} waits (a blocked writer waits with the write timeout as its limit) */
    private static boolean blocked(Thread t) {
        Thread.State state = t.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    @Test
    void aRemoteCloseFailsABlockedRead() throws Exception {
        Node a = transports.node("127.0.0.1");
        Node b = transports.node("127.0.0.1");
        Pair pair = open(a, b);
        Thread[] reader = new Thread[1];
        Future<Integer> read = start(() -> {
            reader[0] = Thread.currentThread();
            return pair.accepted().inputStream().read();
        });
        awaitBlocked(reader);

        pair.opened().close();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> read.get(30, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, failure.getCause());
        assertThrows(IOException.class, () -> pair.accepted().outputStream().write(new byte[100]));
    }

    @Test
    void aLocalCloseFailsBlockedReadsAndWrites() throws Exception {
        Node a = transports.node("127.0.0.1");
        Node b = transports.node("127.0.0.1");
        Pair pair = open(a, b);
        Thread[] reader = new Thread[1];
        Future<Integer> read = start(() -> {
            reader[0] = Thread.currentThread();
            return pair.opened().inputStream().read();
        });
        Thread[] writer = new Thread[1];
        Future<Long> write = start(() -> {
            writer[0] = Thread.currentThread();
            return writeAll(pair.opened().outputStream(), SIXTY_FOUR_MIB, 4, new AtomicLong());
        });
        awaitBlocked(reader);
        awaitBlocked(writer);

        pair.opened().close();
        pair.opened().close();
        assertInstanceOf(IOException.class,
                assertThrows(ExecutionException.class, () -> read.get(30, TimeUnit.SECONDS)).getCause());
        assertInstanceOf(IOException.class,
                assertThrows(ExecutionException.class, () -> write.get(30, TimeUnit.SECONDS)).getCause());
        await().until(() -> a.transport().openStreams() == 0);
    }

    @Test
    void closingTheTransportFailsBlockedStreamsOnBothSides() throws Exception {
        Node a = transports.node("127.0.0.1");
        Node b = transports.node("127.0.0.1");
        Pair pair = open(a, b);
        Thread[] remoteReader = new Thread[1];
        Future<Integer> remoteRead = start(() -> {
            remoteReader[0] = Thread.currentThread();
            return pair.accepted().inputStream().read();
        });
        Thread[] localReader = new Thread[1];
        Future<Integer> localRead = start(() -> {
            localReader[0] = Thread.currentThread();
            return pair.opened().inputStream().read();
        });
        awaitBlocked(remoteReader);
        awaitBlocked(localReader);

        a.transport().close();
        assertInstanceOf(IOException.class,
                assertThrows(ExecutionException.class, () -> localRead.get(30, TimeUnit.SECONDS)).getCause());
        assertInstanceOf(IOException.class,
                assertThrows(ExecutionException.class, () -> remoteRead.get(30, TimeUnit.SECONDS)).getCause());
        assertEquals(0, a.transport().openStreams());
        assertEquals("transport closed", assertThrows(ExecutionException.class,
                () -> a.transport().openStream(b.address()).get(10, TimeUnit.SECONDS)).getCause().getMessage());
    }

    /** A stream opened by hand on a plain socket with a small receive buffer that the test never reads. */
    private static java.net.Socket nonReadingStream(java.net.InetSocketAddress to) throws IOException {
        java.net.Socket socket = new java.net.Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(to, 5000);
        io.netty.buffer.ByteBuf preface = Preface.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT,
                Preface.KIND_STREAM, 0);
        byte[] bytes = new byte[preface.readableBytes()];
        preface.readBytes(bytes);
        preface.release();
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return socket;
    }

    private Node shortWriteTimeout() {
        return transports.node("127.0.0.1", Transports.with(Duration.ofSeconds(60), Duration.ofMillis(300), 1 << 20));
    }

    /** Writes 64 MiB at most into {@code stream} on a thread of the test; completes with what ended it. */
    private Future<Throwable> writeUntilItFails(StreamChannel stream) {
        return threads.submit(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                for (int i = 0; i < 1024; i++) {
                    stream.outputStream().write(chunk);
                }
                return null;
            } catch (IOException e) {
                return e;
            }
        });
    }

    @Test
    void aWriterToARemoteThatDoesNotReadFailsAfterTheWriteTimeoutAndTheConnectionIsReset() throws Exception {
        Node node = shortWriteTimeout();
        try (java.net.Socket remote = nonReadingStream(node.address())) {
            assertTrue(remote.isConnected());
            StreamChannel accepted = node.listener().streams.poll(5, TimeUnit.SECONDS);
            Throwable ended = writeUntilItFails(accepted).get(20, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, ended);
            assertTrue(ended.getMessage().contains("writeTimeout"), ended.getMessage());
            await().atMost(Duration.ofSeconds(10)).until(() -> node.transport().openStreams() == 0);
            accepted.close();
        }
    }

    @Test
    void aGracefulCloseToARemoteThatDoesNotReadResetsAfterTheWriteTimeout() throws Exception {
        Node node = shortWriteTimeout();
        try (java.net.Socket remote = nonReadingStream(node.address())) {
            remote.shutdownOutput(); // its end of stream: the stream's close is graceful
            StreamChannel accepted = node.listener().streams.poll(5, TimeUnit.SECONDS);
            assertEquals(-1, accepted.inputStream().read());
            // fill what the sockets hold without blocking on the timeout: 1 MiB waits in the transport
            Future<Throwable> writing = writeUntilItFails(accepted);
            await().atMost(Duration.ofSeconds(10)).until(() -> node.transport().openStreams() == 1);
            accepted.close();
            writing.get(20, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> node.transport().openStreams() == 0
                    && node.transport().openInboundConnections() == 0);
        }
    }
}
