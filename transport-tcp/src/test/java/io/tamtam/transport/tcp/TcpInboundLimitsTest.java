package io.tamtam.transport.tcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.tamtam.DropReason;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import io.tamtam.transport.tcp.Transports.Node;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The limits that bound what unauthenticated peers can make a transport hold: the preface deadline, the
 * minimum receive rate, the inbound connection caps and the inbound buffer budget. Each attack is a raw
 * socket on loopback; each limit shows itself in the drops the listener hears.
 */
class TcpInboundLimitsTest {

    private static final int MIB = 1 << 20;

    private final Transports transports = new Transports();
    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void closeAll() throws IOException {
        trickler.shutdownNow();
        for (Socket socket : sockets) {
            socket.close();
        }
        transports.close();
    }

    /**
     * @param maxFrameSize the frame limit
     * @param grace        the receive grace period
     * @param minRate      the minimum receive rate, bytes per second
     * @param perIp        connections per remote IP
     * @param total        connections in all
     * @param budget       the inbound buffer budget
     * @return options with a long idle timeout, so that only the limits under test close connections
     */
    private static TransportOptions limits(int maxFrameSize, Duration grace, int minRate, int perIp, int total,
                                           int budget) {
        return new TransportOptions(1400, maxFrameSize, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(30)).withInboundLimits(Duration.ofSeconds(5), minRate, grace, total, perIp, budget);
    }

    private static byte[] preface() {
        var encoded = Preface.encode(UnpooledByteBufAllocator.DEFAULT, Preface.KIND_FRAMES, 0);
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        encoded.release();
        return bytes;
    }

    /** @return a raw connection from {@code fromIp} that has sent {@code bytes}; closed after the test */
    private Socket raw(String fromIp, InetSocketAddress to, byte[]... bytes) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(fromIp, 0));
        socket.connect(to, 5000);
        socket.setSoTimeout(20_000);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        for (byte[] part : bytes) {
            out.write(part);
        }
        out.flush();
        return socket;
    }

    private static byte[] length(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    /** @return whether the transport closed the connection: a read sees the end of the stream or a reset */
    private static boolean closedByPeer(Socket socket) throws IOException {
        try {
            InputStream in = socket.getInputStream();
            return in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static long count(RecordingListener listener, DropReason reason) {
        return listener.drops.stream().filter(reason::equals).count();
    }

    @Test
    void aConnectionWithoutPrefaceIsClosedAfterTheDeadlineAndCounted() throws Exception {
        TransportOptions options = new TransportOptions(1400, MIB, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(30)).withInboundLimits(Duration.ofMillis(200), 1024, Duration.ofSeconds(5),
                16, 16, MIB);
        Node b = transports.node("127.0.0.1", options);
        Socket silent = raw("127.0.0.1", b.address());
        Socket partial = raw("127.0.0.1", b.address(), new byte[] {'T', 'A', 'M'});
        assertTrue(closedByPeer(silent));
        assertTrue(closedByPeer(partial));
        await().until(() -> count(b.listener(), DropReason.SLOW_SENDER) == 2);
        await().until(() -> b.transport().openInboundConnections() == 0);
    }

    @ParameterizedTest(name = "frame of {0} bytes")
    @ValueSource(ints = {1000, 512 * 1024})
    void aTricklingFrameIsCutAndCounted(int size) throws Exception {
        Node b = transports.node("127.0.0.1", limits(MIB, Duration.ofMillis(300), 64 * 1024, 16, 16, MIB));
        Socket slow = raw("127.0.0.1", b.address(), preface(), length(size));
        // One byte every 20 ms: traffic on the socket the whole time, far below 64 KiB/s.
        DataOutputStream out = new DataOutputStream(slow.getOutputStream());
        trickler.scheduleAtFixedRate(() -> {
            try {
                out.write(1);
                out.flush();
            } catch (IOException closed) {
                throw new UncheckedIOException(closed); // ends the schedule
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        await().until(() -> b.listener().drops.equals(List.of(DropReason.SLOW_SENDER)));
        assertTrue(closedByPeer(slow));
        await().until(() -> b.transport().openInboundConnections() == 0);
        assertEquals(0, b.transport().inboundBufferReserved());
        assertEquals(List.of(), b.listener().frames);
    }

    @Test
    void aTwoPartFrameCutShortGivesItsBudgetBackAndDeliversNothing() throws Exception {
        Node b = transports.node("127.0.0.1", limits(4 * MIB, Duration.ofSeconds(5), 1024, 16, 16, 4 * MIB));
        b.listener().tails = true; // the head: the frame's first two bytes say how long (2)
        byte[] firstPart = new byte[MIB + MIB / 2];
        firstPart[1] = 2;
        Socket cut = raw("127.0.0.1", b.address(), preface(), length(3 * MIB), firstPart);
        // Past 1 MiB the frame is offered in two parts; the rest of its 3 MiB never comes.
        await().until(() -> b.transport().inboundBufferReserved() == 3 * MIB);
        cut.close();
        await().until(() -> b.transport().openInboundConnections() == 0);
        assertEquals(0, b.transport().inboundBufferReserved());
        assertEquals(List.of(), b.listener().frames);
        assertEquals(List.of(), b.listener().split);

        // The next frame on a new connection arrives in two parts, whole.
        Node a = transports.node("127.0.0.1", limits(4 * MIB, Duration.ofSeconds(5), 1024, 16, 16, 4 * MIB));
        byte[] frame = new byte[3 * MIB];
        frame[1] = 2;
        frame[frame.length - 1] = 9;
        a.transport().sendFrame(b.address(), ByteBuffer.wrap(frame)).get(10, TimeUnit.SECONDS);
        await().until(() -> b.listener().frames.size() == 1);
        assertArrayEquals(frame, b.listener().frames.get(0));
        assertEquals(List.of(0), b.listener().split);
        await().until(() -> b.transport().inboundBufferReserved() == 0);
    }

    @Test
    void aSenderAboveTheRateFloorDeliversALargeFrame() throws Exception {
        Node b = transports.node("127.0.0.1", limits(MIB, Duration.ofMillis(300), 64 * 1024, 16, 16, MIB));
        Node a = transports.node("127.0.0.1");
        byte[] payload = new byte[MIB];
        payload[MIB - 1] = 7;
        a.transport().sendFrame(b.address(), ByteBuffer.wrap(payload)).get(10, TimeUnit.SECONDS);
        await().until(() -> b.listener().frames.size() == 1);
        assertEquals(7, b.listener().frames.get(0)[MIB - 1]);
        assertEquals(List.of(), b.listener().drops);
        assertEquals(0, b.transport().inboundBufferReserved());
    }

    @Test
    void connectionsBeyondThePerIpCapAreClosedAndCounted() throws Exception {
        Node b = transports.node("127.0.0.1", limits(MIB, Duration.ofSeconds(5), 1024, 3, 16, MIB));
        for (int i = 0; i < 3; i++) {
            raw("127.0.0.1", b.address(), preface());
        }
        await().until(() -> b.transport().openInboundConnections() == 3);
        Socket extra = raw("127.0.0.1", b.address(), preface());
        assertTrue(closedByPeer(extra));
        assertEquals(List.of(DropReason.CONNECTION_LIMIT), b.listener().drops);
        // Another IP is not held back by this one's connections.
        Socket other = raw("127.0.0.2", b.address(), preface());
        await().until(() -> b.transport().openInboundConnections() == 4);
        // A closed connection makes room again.
        sockets.get(0).close();
        await().until(() -> b.transport().openInboundConnections() == 3);
        raw("127.0.0.1", b.address(), preface());
        await().until(() -> b.transport().openInboundConnections() == 4);
        assertEquals(List.of(DropReason.CONNECTION_LIMIT), b.listener().drops);
        assertTrue(other.isConnected());
    }

    @Test
    void connectionsBeyondTheTotalCapAreClosedAndCounted() throws Exception {
        Node b = transports.node("127.0.0.1", limits(MIB, Duration.ofSeconds(5), 1024, 8, 3, MIB));
        raw("127.0.0.2", b.address(), preface());
        raw("127.0.0.3", b.address(), preface());
        raw("127.0.0.4", b.address(), preface());
        await().until(() -> b.transport().openInboundConnections() == 3);
        Socket extra = raw("127.0.0.5", b.address(), preface());
        assertTrue(closedByPeer(extra));
        assertEquals(List.of(DropReason.CONNECTION_LIMIT), b.listener().drops);
        assertEquals(3, b.transport().openInboundConnections());
    }

    @Test
    void sixteenAnnouncedMaximalFramesHoldAtMostTheBudget() throws Exception {
        int max = 16 * MIB;
        int budget = 32 * MIB;
        TransportOptions options = limits(max, Duration.ofMillis(500), 1024 * 1024, 32, 64, budget);
        Node b = transports.node("127.0.0.1", options);
        Node honest = transports.node("127.0.0.1", options);
        PooledByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
        long before = allocator.metric().usedHeapMemory() + allocator.metric().usedDirectMemory();
        AtomicLong peakReserved = new AtomicLong();
        AtomicLong peakAllocated = new AtomicLong();
        Runnable sample = () -> {
            peakReserved.accumulateAndGet(b.transport().inboundBufferReserved(), Math::max);
            peakAllocated.accumulateAndGet(allocator.metric().usedHeapMemory()
                    + allocator.metric().usedDirectMemory() - before, Math::max);
        };
        for (int i = 0; i < 16; i++) {
            raw("127.0.0.1", b.address(), preface(), length(max), new byte[1000]);
        }
        await().until(() -> {
            sample.run();
            return b.transport().inboundBufferReserved() == budget;
        });
        // An honest small frame still gets through while the budget is taken.
        honest.transport().sendFrame(b.address(), ByteBuffer.wrap(new byte[] {1, 2, 3})).get(10, TimeUnit.SECONDS);
        await().until(() -> {
            sample.run();
            return b.listener().frames.size() == 1;
        });
        // Every announced frame is cut: too slow once it had budget, or waited too long for it.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            sample.run();
            return count(b.listener(), DropReason.SLOW_SENDER) + count(b.listener(), DropReason.OVER_BUDGET) == 16;
        });
        assertTrue(count(b.listener(), DropReason.SLOW_SENDER) >= 2, b.listener().drops::toString);
        assertTrue(count(b.listener(), DropReason.OVER_BUDGET) >= 1, b.listener().drops::toString);
        await().until(() -> b.transport().inboundBufferReserved() == 0);
        assertEquals(budget, peakReserved.get(), "the budget was full, never more");
        // Pooled memory in use: the budget, plus at most one chunk per arena for read buffers (the
        // allocator counts whole chunks), far from the 16 × 16 MiB the announcements asked for.
        long chunks = (long) allocator.metric().chunkSize()
                * (allocator.metric().numHeapArenas() + allocator.metric().numDirectArenas());
        assertTrue(peakAllocated.get() <= budget + chunks,
                () -> "allocated " + peakAllocated.get() + " bytes, more than " + budget + " + " + chunks);

        // The budget is free again for an honest large frame.
        honest.transport().sendFrame(b.address(), ByteBuffer.wrap(new byte[max])).get(10, TimeUnit.SECONDS);
        await().until(() -> b.listener().frames.size() == 2);
        assertEquals(max, b.listener().frames.get(1).length);
        await().until(() -> b.transport().inboundBufferReserved() == 0);
    }

    @Test
    void aFrameHoldingTheSpareBufferHasItsWholeCapacityReserved() throws Exception {
        int budget = 3 * MIB + MIB / 2;
        Node b = transports.node("127.0.0.1", limits(budget, Duration.ofSeconds(60), 1, 16, 16, budget));
        b.listener().tails = true; // the head: the frame's first two bytes say how long (2)
        SpareFrameBuffer spare = b.transport().spareFrameBuffer();
        long reuses = spare.reuses();
        // A 3 MiB frame arrives in two parts: past its first MiB, that MiB's buffer becomes the spare (1 to
        // 2 MiB) while the rest of the frame is still to come.
        byte[] firstPart = new byte[MIB + MIB / 2];
        firstPart[1] = 2;
        Socket twoParts = raw("127.0.0.1", b.address(), preface(), length(3 * MIB), firstPart);
        await().until(() -> b.transport().inboundBufferReserved() == 3 * MIB);

        // A frame of 64 KiB + 1 would hold that buffer while reserving 64 KiB: with no room for the rest of
        // its capacity, it does not take it.
        int small = 64 * 1024 + 1;
        raw("127.0.0.1", b.address(), preface(), length(small));
        await().until(() -> b.transport().inboundBufferReserved() == 3 * MIB + small);
        assertEquals(reuses, spare.reuses());

        // With room, the next one takes it, and reserves all of it.
        twoParts.close();
        await().until(() -> b.transport().inboundBufferReserved() == small);
        raw("127.0.0.1", b.address(), preface(), length(small));
        await().until(() -> spare.reuses() == reuses + 1);
        await().until(() -> b.transport().inboundBufferReserved() >= small + MIB);
        assertTrue(b.transport().inboundBufferReserved() <= small + 2 * MIB);
    }

    @Test
    void theBudgetReturnsToZeroWhenConnectionsDie() throws Exception {
        Node b = transports.node("127.0.0.1", limits(MIB, Duration.ofSeconds(60), 1, 16, 16, 2 * MIB));
        List<Socket> senders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            senders.add(raw("127.0.0.1", b.address(), preface(), length(MIB), new byte[MIB / 2]));
        }
        await().until(() -> b.transport().inboundBufferReserved() == 2 * MIB);
        for (Socket sender : senders) {
            sender.close();
        }
        await().until(() -> b.transport().openInboundConnections() == 0);
        await().until(() -> b.transport().inboundBufferReserved() == 0);
        assertEquals(List.of(), b.listener().drops);
    }

    @Test
    void aFailingListenerIsReportedAsAFailure() throws Exception {
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        StreamTransport.Listener failing = new StreamTransport.Listener() {
            @Override
            public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onStream(io.tamtam.spi.StreamChannel stream) {
                stream.close();
            }

            @Override
            public void onDropped(InetSocketAddress remote, DropReason reason) {
                failures.add("unexpected drop " + reason);
            }

            @Override
            public void onFailure(String context, Throwable error) {
                failures.add(context + ": " + error.getMessage());
            }
        };
        TcpTransport b = transports.add(new TcpTransport(Transports.DEFAULTS));
        InetSocketAddress address = b.bind(new InetSocketAddress("127.0.0.1", 0), failing);
        Node a = transports.node("127.0.0.1");
        a.transport().sendFrame(address, ByteBuffer.wrap(new byte[] {1})).get(10, TimeUnit.SECONDS);
        await().until(() -> failures.size() == 1);
        assertTrue(failures.get(0).contains("listener bug"), failures::toString);
        // The connection survives a listener failure.
        a.transport().sendFrame(address, ByteBuffer.wrap(new byte[] {2})).get(10, TimeUnit.SECONDS);
        await().until(() -> failures.size() == 2);
        assertEquals(1, a.transport().openConnections());
    }
}
