package io.tamtam.transport.tcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.tamtam.DropReason;
import io.tamtam.spi.StreamTransport;
import io.tamtam.transport.tcp.Transports.Node;
import io.tamtam.transport.udp.EventLoopLease;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpFramesTest {

    private final Transports transports = new Transports();

    @AfterEach
    void closeAll() {
        transports.close();
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] preface(int kind, int listenPort) {
        io.netty.buffer.ByteBuf encoded = Preface.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, kind, listenPort);
        try {
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            return bytes;
        } finally {
            encoded.release();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void framesTravelBothWaysOnOneConnection(String host) throws Exception {
        Node a = transports.node(host);
        Node b = transports.node(host);

        a.transport().sendFrame(b.address(), utf8("ping")).get(10, TimeUnit.SECONDS);
        await().until(() -> b.listener().frames.size() == 1);
        assertEquals("ping", text(b.listener().frames.get(0)));

        b.transport().sendFrame(a.address(), utf8("pong")).get(10, TimeUnit.SECONDS);
        await().until(() -> a.listener().frames.size() == 1);
        assertEquals("pong", text(a.listener().frames.get(0)));
        // B answered on A's connection: the remote B saw is A's end of it, and there is one each.
        assertEquals(b.address(), a.listener().frameSenders.get(0));
        assertEquals(1, a.transport().openConnections());
        assertEquals(1, b.transport().openConnections());
    }

    @Test
    void emptyAndMaximalFramesArriveIntact() throws Exception {
        Node a = transports.node("127.0.0.1");
        Node b = transports.node("127.0.0.1");
        byte[] largest = new byte[a.transport().maxFrameSize()];
        for (int i = 0; i < largest.length; i++) {
            largest[i] = (byte) (i * 7);
        }
        ByteBuffer offset = ByteBuffer.wrap("--abc--".getBytes(StandardCharsets.UTF_8)).position(2).limit(5);
        a.transport().sendFrame(b.address(), ByteBuffer.allocate(0));
        a.transport().sendFrame(b.address(), ByteBuffer.wrap(largest));
        a.transport().sendFrame(b.address(), offset).get(10, TimeUnit.SECONDS);
        assertEquals(2, offset.position(), "sendFrame leaves the caller's buffer as it was");

        await().until(() -> b.listener().frames.size() == 3);
        assertEquals(0, b.listener().frames.get(0).length);
        assertArrayEquals(largest, b.listener().frames.get(1));
        assertEquals("abc", text(b.listener().frames.get(2)));
    }

    @Test
    void largeFramesAroundTheBufferGrowthStepsArriveIntact() throws Exception {
        var options = Transports.with(Duration.ofSeconds(60), Duration.ofSeconds(30), 3 << 20);
        Node a = transports.node("127.0.0.1", options);
        Node b = transports.node("127.0.0.1", options);
        int full = FrameDecoder.FULL_BUFFER_AFTER;
        int[] sizes = {FrameDecoder.LARGE_FRAME + 1, full - 1, full, full + 1, 2 * full + 12_345, 3 << 20};
        List<byte[]> frames = new ArrayList<>();
        for (int s = 0; s < sizes.length; s++) {
            frames.add(patterned(sizes[s], s));
            a.transport().sendFrame(b.address(), ByteBuffer.wrap(frames.get(s)));
        }
        assertFramesArrive(b, frames);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.transport().inboundBudget().used() == 0);
    }

    @Test
    void twoPartFramesAroundTheSendChunkArriveIntactAndLeaveTheCallersBuffersAsTheyWere() throws Exception {
        var options = Transports.with(Duration.ofSeconds(60), Duration.ofSeconds(30), 3 << 20);
        Node a = transports.node("127.0.0.1", options);
        Node b = transports.node("127.0.0.1", options);
        int chunk = TcpTransport.FRAME_CHUNK;
        // Lengths with the 4-byte prefix just below, at and above one and two send chunks.
        int[] sizes = {chunk - 5, chunk - 4, chunk - 3, 2 * chunk - 4, 2 * chunk + 1, 3 << 20};
        List<byte[]> frames = new ArrayList<>();
        for (int s = 0; s < sizes.length; s++) {
            byte[] frame = patterned(sizes[s], s);
            frames.add(frame);
            int split = s % 2 == 0 ? 40 : frame.length - 7;
            byte[] padded = new byte[frame.length + 6];
            System.arraycopy(frame, 0, padded, 3, frame.length);
            ByteBuffer head = ByteBuffer.wrap(padded, 3, split);
            ByteBuffer body = ByteBuffer.wrap(padded, 3 + split, frame.length - split);
            a.transport().sendFrame(b.address(), head, body);
            assertEquals(3, head.position(), "the head's position is left as it was");
            assertEquals(3 + split, body.position(), "the body's position is left as it was");
        }
        assertFramesArrive(b, frames);
    }

    @Test
    void largeFramesWhoseListenerTakesTheirTailArriveInTwoPartsBackToBack() throws Exception {
        var options = Transports.with(Duration.ofSeconds(60), Duration.ofSeconds(30), 8 << 20);
        Node a = transports.node("127.0.0.1", options);
        Node b = transports.node("127.0.0.1", options);
        b.listener().tails = true;
        int full = FrameDecoder.FULL_BUFFER_AFTER;
        // Frames up to FULL_BUFFER_AFTER arrive whole; a longer one is offered once that much of it is in.
        int[] sizes = {FrameDecoder.LARGE_FRAME + 1, full + 1, 3 << 20, (2 << 20) + 17, full, 3 << 20, full + 5, (3 << 20) + 1};
        // The head's length for each frame (the listener reads it from the frame's first two bytes);
        // 0xFFFF: received whole; 0xFFFE: a tail that does not fit.
        int[] heads = {2, 3, StreamTransport.LARGE_FRAME_HEAD, 100, 2, 0xFFFE, 0xFFFF, 70_000};
        List<byte[]> frames = new ArrayList<>();
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int s = 0; s < sizes.length; s++) {
            byte[] frame = patterned(sizes[s], s);
            frame[0] = (byte) (heads[s] >>> 8);
            frame[1] = (byte) heads[s];
            frames.add(frame);
            sent.add(a.transport().sendFrame(b.address(), ByteBuffer.wrap(frame)));
        }
        for (CompletableFuture<Void> f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertFramesArrive(b, frames);
        assertEquals(List.of(1, 2, 3, 7), b.listener().split, "frames received in two parts");
        // The second frame left its first MiB's buffer, which every later frame took: for its first MiB
        // (split or not), or for all of it (the one of exactly 1 MiB).
        assertEquals(6, b.transport().spareFrameBuffer().reuses());
        assertEquals(1, b.listener().failures.size(), b.listener().failures.toString());
        assertTrue(b.listener().failures.get(0).contains("does not fit"), b.listener().failures.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> b.transport().inboundBudget().used() == 0);
    }

    /** @return {@code size} bytes that differ with {@code salt} and repeat only after megabytes */
    private static byte[] patterned(int size, int salt) {
        byte[] frame = new byte[size];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) (i * 31 + salt + (i >>> 13));
        }
        return frame;
    }

    /** Waits for {@code b} to have received exactly {@code frames}, in order. */
    private static void assertFramesArrive(Node b, List<byte[]> frames) {
        await().atMost(Duration.ofSeconds(60)).until(() -> b.listener().frames.size() >= frames.size());
        assertEquals(frames.size(), b.listener().frames.size());
        for (int s = 0; s < frames.size(); s++) {
            assertArrayEquals(frames.get(s), b.listener().frames.get(s), "frame " + s + " of " + frames.get(s).length + " bytes");
        }
    }

    @Test
    void largeFramesAfterALargerOneReuseItsBufferAndArriveExact() throws Exception {
        var options = Transports.with(Duration.ofSeconds(60), Duration.ofSeconds(30), 3 << 20);
        Node a = transports.node("127.0.0.1", options);
        Node b = transports.node("127.0.0.1", options);
        // Every frame after the first fits the buffer the first left, which each gives back.
        int[] sizes = {3 << 20, (2 << 20) + 17, FrameDecoder.FULL_BUFFER_AFTER + 1, FrameDecoder.LARGE_FRAME + 1, 3 << 20};
        List<byte[]> frames = new ArrayList<>();
        for (int s = 0; s < sizes.length; s++) {
            byte[] frame = new byte[sizes[s]];
            java.util.Arrays.fill(frame, (byte) (s + 1));
            frame[frame.length - 1] = (byte) 0x7f;
            frames.add(frame);
            a.transport().sendFrame(b.address(), ByteBuffer.wrap(frame)).get(30, TimeUnit.SECONDS);
            int received = s + 1;
            await().atMost(Duration.ofSeconds(30)).until(() -> b.listener().frames.size() == received);
        }
        for (int s = 0; s < sizes.length; s++) {
            assertArrayEquals(frames.get(s), b.listener().frames.get(s), "frame " + s + " of " + sizes[s] + " bytes");
        }
        assertEquals(4, b.transport().spareFrameBuffer().reuses(), "every frame after the first fits the 3 MiB buffer kept");
        await().atMost(Duration.ofSeconds(30)).until(() -> b.transport().inboundBudget().used() == 0);
    }

    @Test
    void tenThousandFramesArriveInCallOrder() throws Exception {
        Node a = transports.node("127.0.0.1");
        Node b = transports.node("127.0.0.1");
        int count = 10_000;
        List<CompletableFuture<Void>> sent = new ArrayList<>(count);
        ByteBuffer frame = ByteBuffer.allocate(128);
        for (int i = 0; i < count; i++) {
            frame.clear();
            frame.putInt(0, i);
            sent.add(a.transport().sendFrame(b.address(), frame));
        }
        CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        await().until(() -> b.listener().frames.size() == count);
        for (int i = 0; i < count; i++) {
            byte[] received = b.listener().frames.get(i);
            assertEquals(128, received.length);
            assertEquals(i, ByteBuffer.wrap(received).getInt(0));
        }
        assertEquals(1, a.transport().openConnections());
    }

    @Test
    void anOversizedInboundLengthIsDroppedAndTheConnectionClosed() throws Exception {
        Node b = transports.node("127.0.0.1");
        try (Socket raw = new Socket()) {
            raw.connect(b.address(), 5000);
            raw.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            out.write(preface(Preface.KIND_FRAMES, 0));
            out.writeInt(5);
            out.write("hello".getBytes(StandardCharsets.UTF_8));
            out.writeInt(b.transport().maxFrameSize() + 1);
            out.flush();
            await().until(() -> b.listener().drops.contains(DropReason.OVERSIZED));
            assertEquals(-1, raw.getInputStream().read(), "the transport closes the connection");
        }
        assertEquals(List.of("hello"), b.listener().frames.stream().map(TcpFramesTest::text).toList());

        Node a = transports.node("127.0.0.1");
        a.transport().sendFrame(b.address(), utf8("still works")).get(10, TimeUnit.SECONDS);
        await().until(() -> b.listener().frames.size() == 2);
        await().until(() -> b.transport().openConnections() == 1);
    }

    @Test
    void aConnectionWithoutTheMagicIsRefused() throws Exception {
        Node b = transports.node("127.0.0.1");
        try (Socket raw = new Socket()) {
            raw.connect(b.address(), 5000);
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, raw.getInputStream().read());
        }
        await().until(() -> b.listener().drops.equals(List.of(DropReason.BAD_MAGIC)));
        assertEquals(0, b.transport().openConnections());
    }

    @Test
    void anOutboundFrameOverTheLimitFailsItsFuture() {
        Node a = transports.node("127.0.0.1");
        int max = a.transport().maxFrameSize();
        Throwable failure = failureOf(a.transport().sendFrame(a.address(), ByteBuffer.allocate(max + 1)));
        assertInstanceOf(IOException.class, failure);
        assertTrue(failure.getMessage().contains("maxFrameSize of " + max), failure.getMessage());
    }

    @Test
    void aClosedPortFailsTheFuture() throws IOException {
        Node a = transports.node("127.0.0.1");
        InetSocketAddress closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        Throwable failure = failureOf(a.transport().sendFrame(closedPort, utf8("anyone?")));
        assertInstanceOf(IOException.class, failure);
        assertTrue(failure.getMessage().contains(closedPort.toString()), failure.getMessage());
        Throwable streamFailure = failureOf(a.transport().openStream(closedPort));
        assertInstanceOf(IOException.class, streamFailure);
        assertEquals(0, a.transport().openConnections());
    }

    @Test
    void idleConnectionsCloseAndTheNextFrameReconnects() throws Exception {
        var options = Transports.with(Duration.ofMillis(300), Duration.ofSeconds(30), 1 << 20);
        Node a = transports.node("127.0.0.1", options);
        Node b = transports.node("127.0.0.1", options);
        a.transport().sendFrame(b.address(), utf8("one")).get(10, TimeUnit.SECONDS);
        await().until(() -> b.listener().frames.size() == 1);
        await().until(() -> a.transport().openConnections() == 0 && b.transport().openConnections() == 0);

        a.transport().sendFrame(b.address(), utf8("two")).get(10, TimeUnit.SECONDS);
        await().until(() -> b.listener().frames.size() == 2);
        assertEquals("two", text(b.listener().frames.get(1)));
    }

    /** A TCP server that accepts one connection and never reads from it, so the sender's buffers fill. */
    private static final class DeafServer implements AutoCloseable {
        final ServerSocket server;
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor;

        DeafServer() throws IOException {
            server = new ServerSocket();
            // A small fixed receive buffer (inherited by the accepted socket, and no autotuning): what the
            // peer can absorb does not depend on the machine's tcp_rmem, which may reach tens of MiB.
            server.setReceiveBufferSize(64 * 1024);
            server.bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 50);
            acceptor = new Thread(() -> {
                try {
                    Socket socket = server.accept();
                    synchronized (accepted) {
                        accepted.add(socket);
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "deaf-acceptor");
            acceptor.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) server.getLocalSocketAddress();
        }

        @Override
        public void close() throws IOException {
            server.close();
            try {
                acceptor.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (accepted) {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }

    private static List<CompletableFuture<Void>> sendUntilStalled(StreamTransport transport, InetSocketAddress to,
                                                                  int frameSize, int frames) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        ByteBuffer frame = ByteBuffer.allocate(frameSize);
        for (int i = 0; i < frames; i++) {
            sent.add(transport.sendFrame(to, frame.clear()));
        }
        return sent;
    }

    @Test
    void closeFailsPendingFuturesWithTransportClosed() throws Exception {
        DeafServer deaf = transports.add(new DeafServer());
        var options = Transports.with(Duration.ofSeconds(60), Duration.ofSeconds(60), 1 << 20);
        Node a = transports.node("127.0.0.1", options);
        List<CompletableFuture<Void>> sent = sendUntilStalled(a.transport(), deaf.address(), 1 << 20, 40);
        await().until(() -> sent.get(0).isDone());
        assertFalse(sent.get(39).isDone(), "40 MiB cannot all fit in the socket buffers of a deaf peer");

        a.transport().close();
        await().until(() -> sent.stream().allMatch(CompletableFuture::isDone));
        int failed = 0;
        for (CompletableFuture<Void> future : sent) {
            if (future.isCompletedExceptionally()) {
                failed++;
                assertEquals("transport closed", failureOf(future).getMessage());
            }
        }
        assertTrue(failed > 0);
        assertEquals("transport closed", failureOf(a.transport().sendFrame(deaf.address(), utf8("late"))).getMessage());
    }

    @Test
    void aStalledWriteFailsAfterTheWriteTimeout() throws Exception {
        DeafServer deaf = transports.add(new DeafServer());
        var options = Transports.with(Duration.ofSeconds(60), Duration.ofMillis(300), 1 << 20);
        Node a = transports.node("127.0.0.1", options);
        List<CompletableFuture<Void>> sent = sendUntilStalled(a.transport(), deaf.address(), 1 << 20, 40);
        Throwable failure = failureOf(sent.get(39));
        assertTrue(failure.getMessage().contains("writeTimeout"), failure.getMessage());
        await().until(() -> a.transport().openConnections() == 0);
    }

    @Test
    void moreThan64MibWaitingForOneAddressFailsNewFrames() throws Exception {
        DeafServer deaf = transports.add(new DeafServer());
        var options = Transports.with(Duration.ofSeconds(60), Duration.ofSeconds(60), 8 << 20);
        Node a = transports.node("127.0.0.1", options);
        List<CompletableFuture<Void>> sent = sendUntilStalled(a.transport(), deaf.address(), 8 << 20, 12);
        Throwable failure = failureOf(sent.get(11));
        assertTrue(failure.getMessage().startsWith("send queue full for " + deaf.address()), failure.getMessage());
        a.transport().close();
        await().until(() -> sent.stream().allMatch(CompletableFuture::isDone));
    }

    @Test
    void theSharedGroupIsReleasedWhenTheTransportsClose() throws Exception {
        int before = EventLoopLease.sharedReferences();
        Node a = transports.node("127.0.0.1");
        Node b = transports.node("127.0.0.1");
        assertEquals(before + 2, EventLoopLease.sharedReferences());
        a.transport().sendFrame(b.address(), utf8("x")).get(10, TimeUnit.SECONDS);
        a.transport().close();
        a.transport().close();
        b.transport().close();
        assertEquals(before, EventLoopLease.sharedReferences());
    }

    @Test
    void beyondTheMostFrameConnectionsAFrameToANewAddressFailsAndIdleConnectionsClose() throws Exception {
        Node a = transports.node("127.0.0.1");
        a.transport().maxFrameConnections(3);
        List<Node> remotes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            remotes.add(transports.node("127.0.0.1"));
        }
        for (int i = 0; i < 3; i++) {
            a.transport().sendFrame(remotes.get(i).address(), utf8("to " + i)).get(10, TimeUnit.SECONDS);
        }
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> a.transport().sendFrame(remotes.get(3).address(), utf8("to 3")).get(10, TimeUnit.SECONDS));
        assertTrue(refused.getCause().getMessage().contains("too many frame connections"), refused.getCause()::getMessage);
        // the refusal closed the idle ones: the next frame finds room
        await().atMost(Duration.ofSeconds(10)).until(() -> a.transport().openConnections() < 3);
        a.transport().sendFrame(remotes.get(3).address(), utf8("to 3")).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> remotes.get(3).listener().frames.size() == 1);
    }

    @Test
    void runsOnAUserSuppliedNioGroup() throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(2);
        try {
            TcpTransport a = new TcpTransport(Transports.DEFAULTS, group);
            TcpTransport b = new TcpTransport(Transports.DEFAULTS, group);
            RecordingListener atB = new RecordingListener();
            a.bind(new InetSocketAddress("::1", 0), new RecordingListener());
            InetSocketAddress bAddress = b.bind(new InetSocketAddress("::1", 0), atB);
            a.sendFrame(bAddress, utf8("nio")).get(10, TimeUnit.SECONDS);
            await().until(() -> atB.frames.size() == 1);
            a.close();
            b.close();
            assertFalse(group.isShuttingDown());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void theFactoryIsFoundByServiceLoader() {
        StreamTransport.Factory factory = ServiceLoader.load(StreamTransport.Factory.class).findFirst().orElseThrow();
        assertInstanceOf(TcpTransportFactory.class, factory);
        try (StreamTransport transport = factory.create(Transports.DEFAULTS)) {
            assertEquals(1 << 20, transport.maxFrameSize());
            assertEquals("the TCP transport is not bound; call bind first",
                    failureOf(transport.sendFrame(new InetSocketAddress("127.0.0.1", 9), utf8("x"))).getMessage());
        }
    }
}
