package io.tamtam.transport.websocket;

import io.tamtam.DropReason;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WebSocket transport's shared inbound buffer budget, minimum receive rate and wire-frame limit, seen
 * from real WebSocket clients (the JDK's) and a second transport on loopback.
 */
class WebSocketBudgetTest {

    private static final int MAX_FRAME = 4 << 20;
    private static final int BUDGET = 256 * 1024;

    private final RecordingListener recorded = new RecordingListener();
    private final Queue<byte[]> frames = recorded.frames;
    private final Queue<DropReason> drops = recorded.drops;
    private final List<StreamTransport> transports = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        transports.forEach(StreamTransport::close);
    }

    private WebSocketTransport transport(int minReceiveRate) {
        return transport(minReceiveRate, BUDGET);
    }

    private WebSocketTransport transport(int minReceiveRate, int budget) {
        TransportOptions options = new TransportOptions(1400, MAX_FRAME, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(5)).withInboundLimits(Duration.ofSeconds(5), minReceiveRate, Duration.ofSeconds(1),
                64, 64, budget);
        WebSocketTransport t = new WebSocketTransport(options, WebSocketConfig.defaults());
        transports.add(t);
        return t;
    }

    private InetSocketAddress bind(WebSocketTransport t) throws Exception {
        return t.bind(new InetSocketAddress("127.0.0.1", 0), recorded);
    }

    @Test
    void aFrameLargerThanOneWireFrameTravelsAsFragmentsAndGivesItsBudgetBack() throws Exception {
        // A message needs budget for all but its first 64 KiB: 2 MiB holds the 1 MiB one.
        WebSocketTransport receiver = transport(1, 2 << 20);
        InetSocketAddress at = bind(receiver);
        WebSocketTransport sender = transport(1);
        bind(sender);
        byte[] big = new byte[1 << 20];
        new Random(7).nextBytes(big);
        sender.sendFrame(at, ByteBuffer.wrap(big)).get(10, TimeUnit.SECONDS);
        sender.sendFrame(at, ByteBuffer.wrap(new byte[] {42})).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 2);
        assertArrayEquals(big, frames.poll());
        assertArrayEquals(new byte[] {42}, frames.poll());
        assertEquals(0, receiver.inboundBudget().used(), "the message's reservation was given back");
        assertTrue(drops.isEmpty(), drops::toString);
    }

    @Test
    void aSingleWireFrameOverTheFragmentSizeIsRefused() throws Exception {
        InetSocketAddress at = bind(transport(1));
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = JdkClients.frames(http, at, closed);
        ws.sendBinary(ByteBuffer.wrap(new byte[WebSocketTransport.MAX_WIRE_FRAME + 1]), true);
        await().atMost(Duration.ofSeconds(10)).until(() -> drops.contains(DropReason.OVERSIZED));
        closed.get(10, TimeUnit.SECONDS);
        assertTrue(frames.isEmpty());
    }

    @Test
    void unfinishedMessagesBeyondTheSharedBudgetWaitThenTheConnectionIsClosed() throws Exception {
        WebSocketTransport receiver = transport(1); // 1 byte/s: only the budget can close these connections
        InetSocketAddress at = bind(receiver);
        int clients = 3;
        List<CompletableFuture<Integer>> closed = new ArrayList<>();
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            CompletableFuture<Integer> end = new CompletableFuture<>();
            closed.add(end);
            sockets.add(JdkClients.frames(http, at, end));
        }
        // each holds 64 KiB free and reserves 128 KiB more: three do not fit in 256 KiB
        for (WebSocket ws : sockets) {
            for (int part = 0; part < 3; part++) {
                ws.sendBinary(ByteBuffer.wrap(new byte[64 * 1024]), false).get(10, TimeUnit.SECONDS);
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> drops.contains(DropReason.OVER_BUDGET));
        await().atMost(Duration.ofSeconds(10)).until(() -> closed.stream().anyMatch(CompletableFuture::isDone));
        assertTrue(receiver.inboundBudget().used() <= BUDGET, "reserved " + receiver.inboundBudget().used());
        assertFalse(drops.contains(DropReason.SLOW_SENDER), drops::toString);
        assertTrue(frames.isEmpty(), "no message was complete");
        for (WebSocket ws : sockets) {
            ws.abort();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.inboundBudget().used() == 0);
    }

    /** @return the highest {@code sample} seen while polling for {@code window} */
    static long peakDuring(Duration window, java.util.function.LongSupplier sample) {
        java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
        long end = System.nanoTime() + window.toNanos();
        await().pollInterval(Duration.ofMillis(10)).atMost(window.plusSeconds(5)).until(() -> {
            peak.accumulateAndGet(sample.getAsLong(), Math::max);
            return System.nanoTime() > end;
        });
        return peak.get();
    }

    @Test
    void aConnectionWaitingForBudgetReadsNoFurther() throws Exception {
        WebSocketTransport receiver = transport(1);
        InetSocketAddress at = bind(receiver);
        // The first connection takes the whole budget with an unfinished message: 64 KiB free, 256 KiB reserved.
        WebSocket filler = JdkClients.frames(http, at, new CompletableFuture<>());
        for (int part = 0; part < 5; part++) {
            filler.sendBinary(ByteBuffer.wrap(new byte[64 * 1024]), false).get(10, TimeUnit.SECONDS);
        }
        await().until(() -> receiver.inboundBudget().used() == BUDGET);
        // The second sends 2.5 MiB of an unfinished message without waiting: past its free 64 KiB it waits for
        // budget, and the node reads no more of it (the rest stays in the sockets) until it is cut.
        WebSocket second = JdkClients.frames(http, at, new CompletableFuture<>());
        CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(second);
        for (int part = 0; part < 40; part++) {
            sending = sending.thenCompose(ws -> ws.sendBinary(ByteBuffer.wrap(new byte[64 * 1024]), false));
        }
        long peak = peakDuring(Duration.ofMillis(800), receiver::heldInbound);
        long bound = 5 * 64 * 1024 + 2 * 64 * 1024; // the filler's message, the free 64 KiB and one fragment
        assertTrue(peak <= bound, "unfinished messages held " + peak + " bytes, more than " + bound);
        filler.abort();
        second.abort();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.inboundBudget().used() == 0);
    }

    @Test
    void pingsAreNotAnsweredWhileThePeerReadsNothing() throws Exception {
        WebSocketTransport receiver = transport(1);
        InetSocketAddress at = bind(receiver);
        assertPingFloodQueuesNoPongs(receiver, at, WebSocketTransport.FRAMES);
    }

    /**
     * Sends 15 MB of 125-byte pings (120,000 pongs would be 15 MB waiting in the node) and reads nothing.
     */
    static void assertPingFloodQueuesNoPongs(WebSocketTransport receiver, InetSocketAddress at, String subprotocol)
            throws Exception {
        RawWebSocket ws = RawWebSocket.upgrade(at, subprotocol);
        try {
            byte[] ping = RawWebSocket.frame(RawWebSocket.PING, true, 125);
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 120_000; i++) {
                        ws.write(ping);
                    }
                    ws.flush();
                } catch (java.io.IOException closed) {
                    // the node closed the connection (write timeout)
                }
            });
            writer.start();
            long peak = peakDuring(Duration.ofSeconds(2), receiver::pendingOutbound);
            ws.close();
            writer.join(10_000);
            // What may wait: the connection's write buffer up to its high water mark (1 MiB), then one pong.
            assertTrue(peak <= 1_200_000, "pongs waiting to be written: " + peak + " bytes");
        } finally {
            ws.close();
        }
    }

    @Test
    void aMessageThatStopsArrivingIsCutAsASlowSender() throws Exception {
        WebSocketTransport receiver = transport(128 * 1024);
        InetSocketAddress at = bind(receiver);
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = JdkClients.frames(http, at, closed);
        ws.sendBinary(ByteBuffer.wrap(new byte[1000]), false).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> drops.contains(DropReason.SLOW_SENDER));
        closed.get(10, TimeUnit.SECONDS);
        assertTrue(frames.isEmpty());
    }

    @Test
    void aConnectionThatFinishesItsMessagesIsNotCutWhenIdle() throws Exception {
        WebSocketTransport receiver = transport(128 * 1024);
        InetSocketAddress at = bind(receiver);
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = JdkClients.frames(http, at, closed);
        ws.sendBinary(ByteBuffer.wrap(new byte[1000]), false).get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[60_000]), true).get(10, TimeUnit.SECONDS);
        ws.sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3})).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 1);
        // idle for longer than the grace: nothing is in progress, so nothing is cut
        await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {9}), true).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 2);
        assertFalse(closed.isDone(), "the connection stayed open");
        assertTrue(drops.isEmpty(), drops::toString);
        assertEquals(0, receiver.inboundBudget().used());
    }
}
