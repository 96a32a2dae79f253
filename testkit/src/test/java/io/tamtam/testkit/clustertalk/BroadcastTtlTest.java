package io.tamtam.testkit.clustertalk;

import io.tamtam.BroadcastTtl;
import io.tamtam.MessageType;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broadcasts with a lifetime: expired ones are dropped and counted, never delivered; passes bound relays. */
class BroadcastTtlTest {
    static final MessageType<String> TELEMETRY = MessageType.of(720, String.class);

    @Test
    void anExpiredBroadcastIsDroppedAndCountedNeverDelivered() {
        // every link takes 50 virtual ms; the wall-clock lifetime of 1 ms has passed by the time a copy lands
        try (SimNetwork net = SimNetwork.builder().seed(31).defaultLatency(Duration.ofMillis(50)).build()) {
            List<SimNode> nodes = ClusterTalkLossTest.cluster(net, 4);
            AtomicInteger delivered = new AtomicInteger();
            nodes.forEach(n -> n.cluster().handle(TELEMETRY, p -> delivered.incrementAndGet()));
            long start = System.currentTimeMillis();
            nodes.get(0).cluster().broadcast(TELEMETRY, "late", new BroadcastTtl(3, Duration.ofMillis(1)));
            // the wall clock must pass the deadline before the simulated copies arrive
            org.awaitility.Awaitility.await().until(() -> System.currentTimeMillis() > start + 2);
            net.runFor(Duration.ofSeconds(5));
            assertEquals(0, delivered.get());
            long dropped = nodes.stream().mapToLong(n -> n.cluster().stats().broadcastsDroppedByTtl()).sum();
            assertTrue(dropped >= 3, "expired copies counted: " + dropped);

            nodes.get(0).cluster().broadcast(TELEMETRY, "fresh", new BroadcastTtl(3, Duration.ofMinutes(5)));
            assertTrue(net.runUntil(() -> delivered.get() == 3, Duration.ofSeconds(10)));
            net.runFor(Duration.ofSeconds(5));
            assertEquals(3, delivered.get(), "each other node once");
        }
    }

    @Test
    void zeroPassesReachesOnlyWhomTheOriginSendsTo() {
        try (SimNetwork net = SimNetwork.builder().seed(32).build()) {
            List<SimNode> nodes = ClusterTalkLossTest.cluster(net, 6);
            AtomicInteger delivered = new AtomicInteger();
            nodes.forEach(n -> n.cluster().handle(TELEMETRY, p -> delivered.incrementAndGet()));
            nodes.get(0).cluster().broadcast(TELEMETRY, "one hop", new BroadcastTtl(0, Duration.ofMinutes(5)));
            net.runFor(Duration.ofSeconds(10));
            long relayed = nodes.stream().mapToLong(n -> n.cluster().stats().broadcastsRelayed()).sum();
            assertEquals(0, relayed, "nobody relays a broadcast with no passes left");
            assertTrue(delivered.get() >= 1 && delivered.get() <= 5, "delivered " + delivered.get());
        }
        assertThrows(IllegalArgumentException.class, () -> new BroadcastTtl(256, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new BroadcastTtl(1, Duration.ZERO));
    }
}
