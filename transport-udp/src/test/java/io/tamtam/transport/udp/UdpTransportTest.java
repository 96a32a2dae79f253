package io.tamtam.transport.udp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.tamtam.DropReason;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.TransportOptions;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UdpTransportTest {

    private static final int MAX = 1400;
    private static final TransportOptions OPTIONS = new TransportOptions(MAX, 1 << 20,
            Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(5));

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private UdpTransport transport() {
        UdpTransport transport = new UdpTransport(OPTIONS);
        resources.add(transport);
        return transport;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(copy);
        return copy;
    }

    /** Records every datagram's sender and bytes, and every drop. */
    private static final class Recorder implements DatagramTransport.Listener {
        final List<InetSocketAddress> senders = new CopyOnWriteArrayList<>();
        final List<byte[]> datagrams = new CopyOnWriteArrayList<>();
        final List<DropReason> drops = new CopyOnWriteArrayList<>();

        @Override
        public void onDatagram(InetSocketAddress sender, ByteBuffer datagram) {
            senders.add(sender);
            datagrams.add(bytes(datagram));
        }

        @Override
        public void onDropped(InetSocketAddress sender, DropReason reason) {
            drops.add(reason);
        }
    }

    @Test
    void bindToPortZeroReturnsTheBoundPort() throws IOException {
        InetSocketAddress bound = transport().bind(new InetSocketAddress("127.0.0.1", 0), new Recorder());
        assertNotEquals(0, bound.getPort());
        assertEquals(InetAddress.getByName("127.0.0.1"), bound.getAddress());
        try (DatagramSocket probe = new DatagramSocket(null)) {
            // The port is taken: a second socket cannot bind it without SO_REUSEADDR.
            assertThrows(() -> probe.bind(bound));
        }
    }

    private static void assertThrows(Executable executable) {
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, executable::run);
    }

    @FunctionalInterface
    private interface Executable {
        void run() throws IOException;
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void datagramsTravelBothWays(String host) throws IOException {
        Recorder atA = new Recorder();
        Recorder atB = new Recorder();
        InetSocketAddress a = transport().bind(new InetSocketAddress(host, 0), atA);
        UdpTransport transportB = transport();
        InetSocketAddress b = transportB.bind(new InetSocketAddress(host, 0), atB);
        UdpTransport transportA = (UdpTransport) resources.get(0);

        transportA.send(b, ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
        await().until(() -> atB.datagrams.size() == 1);
        assertArrayEquals("ping".getBytes(StandardCharsets.UTF_8), atB.datagrams.get(0));
        assertEquals(a, atB.senders.get(0));

        byte[] full = new byte[MAX];
        full[MAX - 1] = 42;
        transportB.send(a, ByteBuffer.wrap(full));
        await().until(() -> atA.datagrams.size() == 1);
        assertArrayEquals(full, atA.datagrams.get(0));
        assertEquals(b, atA.senders.get(0));
    }

    @Test
    void sendCopiesTheRemainingBytesAndLeavesTheBufferAlone() throws IOException {
        Recorder atB = new Recorder();
        UdpTransport a = transport();
        a.bind(new InetSocketAddress("127.0.0.1", 0), new Recorder());
        InetSocketAddress b = transport().bind(new InetSocketAddress("127.0.0.1", 0), atB);

        ByteBuffer buffer = ByteBuffer.wrap("xxhelloyy".getBytes(StandardCharsets.UTF_8));
        buffer.position(2).limit(7);
        a.send(b, buffer);
        assertEquals(2, buffer.position());
        assertEquals(7, buffer.limit());
        buffer.put(2, (byte) 'j'); // the transport copied before returning
        await().until(() -> atB.datagrams.size() == 1);
        assertEquals("hello", new String(atB.datagrams.get(0), StandardCharsets.UTF_8));
    }

    @Test
    void oversizedDatagramsAreNeitherSentNorDelivered() throws IOException {
        Recorder atB = new Recorder();
        UdpTransport a = transport();
        a.bind(new InetSocketAddress("127.0.0.1", 0), new Recorder());
        UdpTransport b = transport();
        InetSocketAddress bAddress = b.bind(new InetSocketAddress("127.0.0.1", 0), atB);

        a.send(bAddress, ByteBuffer.allocate(MAX + 1));
        assertEquals(1, a.unsentOversized());

        try (DatagramSocket raw = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            raw.send(new DatagramPacket(new byte[MAX + 1], MAX + 1, bAddress));
            raw.send(new DatagramPacket(new byte[8000], 8000, bAddress));
            raw.send(new DatagramPacket(new byte[] {7}, 1, bAddress));
        }
        await().until(() -> atB.datagrams.size() == 1);
        assertArrayEquals(new byte[] {7}, atB.datagrams.get(0));
        assertEquals(2, b.droppedOversized());
        assertEquals(List.of(DropReason.OVERSIZED, DropReason.OVERSIZED), atB.drops);
    }

    /**
     * A burst far larger than the receiver's socket buffer, to a receiver that does not read until the
     * burst is over: every datagram is received, or counted as not sent by the sender (SEND_FAILED), or
     * counted as dropped by the receiving socket (the kernel's per-socket drop count).
     */
    @Test
    void aBurstThatOverrunsTheReceiverIsAccountedForDatagramByDatagram() throws Exception {
        Path procUdp = Path.of("/proc/net/udp");
        Assumptions.assumeTrue(Files.isReadable(procUdp), "needs Linux's /proc/net/udp for the socket's drop count");
        Recorder atA = new Recorder();
        UdpTransport a = transport();
        a.bind(new InetSocketAddress("127.0.0.1", 0), atA);
        int sent = 20_000;
        int size = 1_000;
        try (DatagramSocket raw = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            raw.setReceiveBufferSize(64 * 1024);
            InetSocketAddress to = (InetSocketAddress) raw.getLocalSocketAddress();
            long dropsBefore = socketDrops(to.getPort());
            ByteBuffer datagram = ByteBuffer.allocate(size);
            for (int i = 0; i < sent; i++) {
                a.send(to, datagram);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> a.queuedBytes() == 0);
            raw.setSoTimeout(200);
            DatagramPacket packet = new DatagramPacket(new byte[MAX], MAX);
            int received = 0;
            while (received < sent) {
                try {
                    raw.receive(packet);
                    received++;
                } catch (java.net.SocketTimeoutException e) {
                    break;
                }
            }
            long dropped = socketDrops(to.getPort()) - dropsBefore;
            assertTrue(dropped > 0, "the burst overran the receiver's socket buffer");
            assertEquals(sent, received + a.unsentFailed() + dropped,
                    "received " + received + ", not sent " + a.unsentFailed() + ", dropped by the socket " + dropped);
            assertEquals(a.unsentFailed(), atA.drops.stream().filter(r -> r == DropReason.SEND_FAILED).count());
        }
    }

    /**
     * A receiver whose listener is slower than the sender: every datagram is received, or counted by the
     * sender as not sent, or counted by the receiver as dropped by its socket (RECEIVE_BUFFER_FULL, read
     * from the kernel's count), and the receiver's listener hears of each drop.
     */
    @Test
    void datagramsASlowReceiverCannotTakeAreCountedAsReceiveBufferFull() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "needs Linux's /proc/net/udp");
        EventLoopGroup slowGroup = new NioEventLoopGroup(1);
        try {
            java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong bufferFull = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong reports = new java.util.concurrent.atomic.AtomicLong();
            UdpTransport b = new UdpTransport(OPTIONS, slowGroup);
            resources.add(b);
            InetSocketAddress bAddress = b.bind(new InetSocketAddress("127.0.0.1", 0), new DatagramTransport.Listener() {
                @Override
                public void onDatagram(InetSocketAddress sender, ByteBuffer datagram) {
                    received.incrementAndGet();
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000); // a slow node
                }

                @Override
                public void onDropped(InetSocketAddress sender, DropReason reason, long count) {
                    if (reason == DropReason.RECEIVE_BUFFER_FULL) {
                        bufferFull.addAndGet(count);
                        reports.incrementAndGet();
                    }
                }
            });
            UdpTransport a = transport();
            a.bind(new InetSocketAddress("127.0.0.1", 0), new Recorder());
            int sent = 20_000;
            ByteBuffer datagram = ByteBuffer.allocate(1_000);
            for (int i = 0; i < sent; i++) {
                a.send(bAddress, datagram);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(sent,
                    received.get() + a.unsentFailed() + b.droppedBySocket(),
                    "received " + received.get() + ", not sent " + a.unsentFailed() + ", dropped by the socket "
                            + b.droppedBySocket()));
            assertTrue(b.droppedBySocket() > 0, "the burst overran the receiver");
            assertEquals(b.droppedBySocket(), bufferFull.get());
            // one report per look at the kernel's count (once a second), not one call per datagram
            assertTrue(reports.get() <= 40, reports.get() + " reports for " + bufferFull.get() + " drops");
            b.close();
        } finally {
            slowGroup.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * @return the drop count of the UDP socket bound to 127.0.0.1:port (IPv4, or IPv6 mapped), from
     *         /proc/net/udp and /proc/net/udp6
     */
    private static long socketDrops(int port) throws IOException {
        String v4 = String.format("0100007F:%04X", port);
        String mapped = String.format("0000000000000000FFFF00000100007F:%04X", port);
        for (String file : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            Path path = Path.of(file);
            if (!Files.isReadable(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 12 && (f[1].equals(v4) || f[1].equals(mapped))) {
                    return Long.parseLong(f[12]);
                }
            }
        }
        throw new IllegalStateException("no socket bound to 127.0.0.1:" + port + " in /proc/net/udp or udp6");
    }

    @Test
    void garbageAndAFailingListenerDoNotStopReception() throws IOException {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        UdpTransport b = transport();
        InetSocketAddress bAddress = b.bind(new InetSocketAddress("127.0.0.1", 0), new DatagramTransport.Listener() {
            @Override
            public void onDatagram(InetSocketAddress sender, ByteBuffer datagram) {
                byte[] copy = bytes(datagram);
                received.add(copy);
                if (copy.length > 0 && copy[0] == 'x') {
                    throw new IllegalStateException("listener failure");
                }
            }

            @Override
            public void onFailure(String context, Throwable error) {
                failures.add(error);
            }
        });
        try (DatagramSocket raw = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            raw.send(new DatagramPacket(new byte[0], 0, bAddress));
            byte[] junk = new byte[999];
            for (int i = 0; i < junk.length; i++) {
                junk[i] = (byte) (i * 31);
            }
            raw.send(new DatagramPacket(junk, junk.length, bAddress));
            raw.send(new DatagramPacket(new byte[] {'x'}, 1, bAddress));
            raw.send(new DatagramPacket(new byte[] {'o', 'k'}, 2, bAddress));
        }
        await().until(() -> received.size() == 4);
        assertEquals("ok", new String(received.get(3), StandardCharsets.UTF_8));
        assertEquals(1, failures.size());
        assertEquals("listener failure", failures.get(0).getMessage());
    }

    @Test
    void closeIsIdempotentAndStopsSendAndReceive() throws IOException {
        UdpTransport a = transport();
        a.bind(new InetSocketAddress("127.0.0.1", 0), new Recorder());
        Recorder atB = new Recorder();
        InetSocketAddress bAddress = transport().bind(new InetSocketAddress("127.0.0.1", 0), atB);

        a.close();
        a.close();
        a.send(bAddress, ByteBuffer.wrap(new byte[] {1}));
        // The port is free again once close returns.
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
        }
        assertTrue(atB.datagrams.isEmpty());
    }

    @Test
    void theSharedGroupIsReleasedWhenTheLastTransportCloses() throws IOException {
        int before = EventLoopLease.sharedReferences();
        UdpTransport a = transport();
        UdpTransport b = transport();
        a.bind(new InetSocketAddress("127.0.0.1", 0), new Recorder());
        b.bind(new InetSocketAddress("127.0.0.1", 0), new Recorder());
        assertEquals(before + 2, EventLoopLease.sharedReferences());
        EventLoopGroup group = a.lease().group();
        assertTrue(group == b.lease().group(), "both transports share one group");

        a.close();
        assertEquals(before + 1, EventLoopLease.sharedReferences());
        b.close();
        b.close();
        assertEquals(before, EventLoopLease.sharedReferences());
        if (before == 0) {
            await().until(group::isTerminated);
        }
    }

    @Test
    void aFailedBindReleasesTheGroupAndCanBeRetried() throws IOException {
        int before = EventLoopLease.sharedReferences();
        InetSocketAddress taken = transport().bind(new InetSocketAddress("127.0.0.1", 0), new Recorder());
        UdpTransport second = transport();
        IOException failure = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> second.bind(taken, new Recorder()));
        assertTrue(failure.getMessage().contains("port 0"), failure.getMessage());
        assertEquals(before + 1, EventLoopLease.sharedReferences());
        assertNotEquals(0, second.bind(new InetSocketAddress("127.0.0.1", 0), new Recorder()).getPort());
    }

    @Test
    void runsOnAUserSuppliedNioGroupAndLeavesItRunning() throws IOException {
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Recorder atB = new Recorder();
            UdpTransport a = new UdpTransport(OPTIONS, group);
            UdpTransport b = new UdpTransport(OPTIONS, group);
            resources.add(a);
            resources.add(b);
            a.bind(new InetSocketAddress("::1", 0), new Recorder());
            InetSocketAddress bAddress = b.bind(new InetSocketAddress("::1", 0), atB);
            assertFalse(a.lease().epoll());
            a.send(bAddress, ByteBuffer.wrap(new byte[] {5}));
            await().until(() -> atB.datagrams.size() == 1);
            a.close();
            b.close();
            assertFalse(group.isShuttingDown());
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void theFactoryIsFoundByServiceLoader() {
        DatagramTransport.Factory factory = ServiceLoader.load(DatagramTransport.Factory.class).findFirst()
                .orElseThrow();
        assertTrue(factory instanceof UdpTransportFactory);
        try (DatagramTransport transport = factory.create(OPTIONS)) {
            assertEquals(MAX, transport.maxDatagramSize());
        }
    }

    @Test
    void aTaskAfterPendingReadsRunsOnceWhatTheSocketHeldWasRead() throws Exception {
        List<byte[]> got = new CopyOnWriteArrayList<>();
        UdpTransport t = transport();
        InetSocketAddress local = t.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (sender, datagram) -> got.add(bytes(datagram)));
        // Holds the socket's event loop, so that what arrives now waits unread in the socket.
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        t.afterPendingReads(() -> {
            holding.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(holding.await(10, TimeUnit.SECONDS), "the event loop ran the holding task");
        int count = 10;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < count; i++) {
                s.send(new DatagramPacket(new byte[] {(byte) i}, 1, local));
            }
        }
        CompletableFuture<Integer> readBefore = new CompletableFuture<>();
        t.afterPendingReads(() -> readBefore.complete(got.size()));
        assertEquals(0, got.size(), "nothing read while the event loop is held");
        release.countDown();
        assertEquals(count, readBefore.get(10, TimeUnit.SECONDS), "datagrams read before the task ran");
    }

    @Test
    void aTaskAfterPendingReadsRunsAtOnceWhenNotBoundOrClosed() throws Exception {
        UdpTransport t = transport();
        List<String> ran = new ArrayList<>();
        t.afterPendingReads(() -> ran.add("unbound"));
        t.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), (sender, datagram) -> { });
        t.close();
        t.afterPendingReads(() -> ran.add("closed"));
        assertEquals(List.of("unbound", "closed"), ran);
    }
}
