package io.tamtam.transport.tcp.cluster;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.transport.tcp.cluster.MarkerTap.Arrival;
import io.tamtam.transport.tcp.cluster.MarkerTap.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Payloads around the datagram limit: what fits goes by UDP, what does not by a TCP frame, and all
 * arrive. Compression is off so that packet sizes follow payload sizes exactly.
 */
class DatagramLimitClusterTest {

    private static final MessageType<byte[]> DIRECT = MessageType.of(600, byte[].class);
    private static final MessageType<byte[]> BROADCAST = MessageType.of(601, byte[].class);
    private static final int LIMIT = ClusterConfig.DEFAULT_MAX_DATAGRAM_SIZE;
    private static final int LARGE = 64 * 1024;

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    private Cluster tapped(MarkerTap tap) {
        return nodes.start(ClusterConfig.local().compressionDisabled(true)
                .datagramTransport(tap.datagrams()).streamTransport(tap.streams()));
    }

    private static Arrival awaitArrival(MarkerTap tap, int index) {
        await().atMost(Duration.ofSeconds(10)).until(() -> tap.arrivals.size() > index);
        return tap.arrivals.get(index);
    }

    @Test
    void directSendsBelowAtAndAboveTheLimit() throws Exception {
        MarkerTap tap = new MarkerTap();
        Cluster a = nodes.start(ClusterConfig.local().compressionDisabled(true));
        Cluster b = tapped(tap);
        Nodes.join(b, a);
        Nodes.awaitAlive(List.of(a, b), 2, Duration.ofSeconds(10));
        Queue<Integer> received = new ConcurrentLinkedQueue<>();
        b.handle(DIRECT, p -> received.add(p.payload().length));

        // Calibrate: the packet overhead of a direct message with a two-byte-length binary payload.
        a.send(b.localNode(), DIRECT, MarkerTap.payload(600)).get(5, TimeUnit.SECONDS);
        Arrival probe = awaitArrival(tap, 0);
        assertEquals(Path.DATAGRAM, probe.path());
        int overhead = probe.size() - 600;

        int[] sizes = {LIMIT - overhead - 1, LIMIT - overhead, LIMIT - overhead + 1, LARGE};
        Path[] expected = {Path.DATAGRAM, Path.DATAGRAM, Path.FRAME, Path.FRAME};
        for (int i = 0; i < sizes.length; i++) {
            a.send(b.localNode(), DIRECT, MarkerTap.payload(sizes[i])).get(5, TimeUnit.SECONDS);
            Arrival arrival = awaitArrival(tap, i + 1);
            assertEquals(expected[i], arrival.path(), "payload of " + sizes[i] + " bytes");
        }
        assertEquals(LIMIT - 1, tap.arrivals.get(1).size());
        assertEquals(LIMIT, tap.arrivals.get(2).size());
        assertEquals(LIMIT + 1, tap.arrivals.get(3).size());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(
                List.of(600, sizes[0], sizes[1], sizes[2], sizes[3]), List.copyOf(received)));
    }

    /**
     * send() is best effort: a burst beyond what the datagram burst limit lets wait (16 windows' worth of
     * datagrams, each gathering several messages) spills onto the stream path; with the limit at 0 every
     * message that fits goes by datagram. Either way each message arrives at most once.
     */
    @Test
    void aBurstSpillsOntoTheStreamPathOnlyWhenTheBurstLimitAllows() throws Exception {
        for (int limit : new int[] {8, 0}) {
            MarkerTap tap = new MarkerTap();
            Cluster a = nodes.start(ClusterConfig.local().compressionDisabled(true).datagramBurstLimit(limit));
            Cluster b = nodes.start(ClusterConfig.local().compressionDisabled(true)
                    .datagramTransport(tap.datagrams()).streamTransport(tap.streams()));
            Nodes.join(b, a);
            Nodes.awaitAlive(List.of(a, b), 2, Duration.ofSeconds(10));
            Queue<Integer> received = new ConcurrentLinkedQueue<>();
            b.handle(DIRECT, p -> received.add(p.payload().length));
            // 200-byte messages gather 6 to a datagram: 2,000 of them make 334 datagrams, more than the
            // 8 a window sends and the 16 x 8 that may wait.
            int burst = 2_000;
            java.util.concurrent.CompletableFuture<?>[] sent = new java.util.concurrent.CompletableFuture<?>[burst];
            for (int i = 0; i < burst; i++) {
                sent[i] = a.send(b.localNode(), DIRECT, MarkerTap.payload(200));
            }
            java.util.concurrent.CompletableFuture.allOf(sent).get(10, TimeUnit.SECONDS);
            if (limit == 0) {
                await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= burst / 2);
                assertEquals(0, tap.arrivals.stream().filter(x -> x.path() == Path.FRAME).count(),
                        "with the limit at 0 nothing spills");
            } else {
                await().atMost(Duration.ofSeconds(10)).until(() -> tap.arrivals.stream().anyMatch(x -> x.path() == Path.FRAME));
            }
            assertTrue(received.size() <= burst, "no message arrives twice");
        }
    }

    @Test
    void broadcastsBelowAtAndAboveTheLimit() {
        MarkerTap tap = new MarkerTap();
        Cluster a = nodes.start(ClusterConfig.local().compressionDisabled(true));
        Cluster b = tapped(tap);
        Nodes.join(b, a);
        Nodes.awaitAlive(List.of(a, b), 2, Duration.ofSeconds(10));
        Queue<Integer> received = new ConcurrentLinkedQueue<>();
        b.handle(BROADCAST, p -> received.add(p.payload().length));

        int[] sizes = {LIMIT - 200, LIMIT - 60, LIMIT - 30, LIMIT, LIMIT + 1, LARGE};
        for (int size : sizes) {
            a.broadcast(BROADCAST, MarkerTap.payload(size)).join();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertEquals(sizes.length, received.size(), "broadcasts received: " + received);
            for (int size : sizes) {
                assertTrue(received.contains(size), "broadcast of " + size + " bytes");
            }
        });
        // Whatever did not fit a datagram came in a frame; the 64 KiB one cannot fit UDP at all.
        assertTrue(tap.arrivals.stream().anyMatch(x -> x.path() == Path.FRAME && x.size() > LARGE), tap.arrivals::toString);
        for (Arrival x : tap.arrivals) {
            if (x.path() == Path.DATAGRAM) {
                assertTrue(x.size() <= LIMIT, "datagram of " + x.size() + " bytes");
            }
        }
    }
}
