package io.tamtam.transport.tcp.cluster;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.ClusterStats;
import io.tamtam.ClusterStats.Path;
import io.tamtam.EffectiveConfig;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.NodeStream;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireFormat;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's view of real nodes: stats that move as traffic flows, member counts, the effective config. */
class ObservabilityClusterTest {

    private static final MessageType<String> NOTE = MessageType.of(300, String.class);
    private static final MessageType<String> NEWS = MessageType.of(301, String.class);
    private static final int PIPE = 302;

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void probesTrafficAndMessagesShowInTheStats() throws Exception {
        List<Cluster> all = nodes.cluster(3, ClusterConfig.local());
        Cluster a = all.get(0);
        Cluster b = all.get(1);

        // Probes: every node has round trips overall and for each peer it probed.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (Cluster c : all) {
                ClusterStats.RoundTrips rt = c.stats().probeRoundTrips();
                assertTrue(rt.samples() > 0, c::toString);
                assertTrue(rt.p50().compareTo(rt.p90()) <= 0 && rt.p90().compareTo(rt.p99()) <= 0
                        && rt.p99().compareTo(rt.max()) <= 0 && !rt.max().isZero(), rt::toString);
                for (Cluster peer : all) {
                    if (peer != c) {
                        assertTrue(c.stats().probeRoundTrips(peer.localNode().id()).isPresent(), c + " of " + peer);
                    }
                }
            }
        });
        for (Cluster c : all) {
            ClusterStats s = c.stats();
            assertTrue(s.messagesSent(WireFormat.PING) > 0 && s.messagesReceived(WireFormat.ACK) > 0, s::toString);
            assertTrue(s.packetsSent(Path.DATAGRAM) > 0 && s.bytesSent(Path.DATAGRAM) > s.packetsSent(Path.DATAGRAM));
            assertTrue(s.packetsReceived(Path.DATAGRAM) > 0 && s.bytesReceived(Path.DATAGRAM) > 0);
            // Joins are full-state exchanges over frames.
            assertTrue(s.packetsSent(Path.FRAME) > 0 && s.packetsReceived(Path.FRAME) > 0, c::toString);
            assertEquals(s.packetsSent(), s.packetsSent(Path.DATAGRAM) + s.packetsSent(Path.FRAME));
            assertTrue(s.messagesSentByType().containsKey(WireFormat.PING));
            assertTrue(s.probeRoundTrips(UUID.randomUUID()).isEmpty());
        }
        // Probes keep arriving, so a packet may be in the backlog at any instant; it drains between them.
        for (Cluster c : all) {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                    .until(() -> c.stats().protocolBacklog() == 0);
        }
        assertNull(a.stats().messagesSentByType().get(NOTE.id()));

        // A user message counts under its kind and its type at both ends.
        CountDownLatch got = new CountDownLatch(2);
        b.handle(NOTE, p -> got.countDown());
        long userKindBefore = a.stats().messagesSent(WireFormat.USER);
        a.send(b.localNode(), NOTE, "hello").get(5, TimeUnit.SECONDS);
        a.sendReliable(b.localNode(), NOTE, "hello again").get(5, TimeUnit.SECONDS);
        assertTrue(got.await(5, TimeUnit.SECONDS));
        assertEquals(2, a.stats().messagesSent(NOTE.id()));
        assertEquals(2, b.stats().messagesReceived(NOTE.id()));
        assertEquals(userKindBefore + 1, a.stats().messagesSent(WireFormat.USER));
        assertEquals(1, a.stats().messagesSent(WireFormat.RELIABLE));
        assertEquals(1, b.stats().messagesReceived(WireFormat.RELIABLE));
        assertEquals(2L, b.stats().messagesReceivedByType().get(NOTE.id()));
        assertEquals(0, b.stats().messagesReceived(NOTE.id() + 1));
    }

    @Test
    void aBroadcastCountsOriginatedAtItsOriginRelayedAtOthersAndExpiresEverywhere() {
        List<Cluster> all = nodes.cluster(3, ClusterConfig.local());
        Cluster origin = all.get(0);
        CountDownLatch delivered = new CountDownLatch(2);
        for (Cluster c : all) {
            c.handle(NEWS, p -> delivered.countDown());
        }
        origin.broadcast(NEWS, "news").join();
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.getCount() == 0);
        assertEquals(1, origin.stats().broadcastsOriginated());
        assertEquals(0, origin.stats().broadcastsRelayed());
        for (Cluster c : all.subList(1, 3)) {
            assertEquals(0, c.stats().broadcastsOriginated());
            assertEquals(1, c.stats().broadcastsRelayed(), c::toString);
            assertTrue(c.stats().messagesReceived(NEWS.id()) >= 1);
        }
        // Each copy is retired after its transmit limit: the queues drain and count the expiry.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (Cluster c : all) {
                assertTrue(c.stats().broadcastsExpired() >= 1, c::toString);
                assertEquals(0, c.stats().broadcastQueueItems(), c::toString);
                assertEquals(0, c.stats().broadcastQueueBytes(), c::toString);
            }
        });
    }

    @Test
    void messagesWaitingForABlockedHandlerShowAsPending() throws Exception {
        List<Cluster> all = nodes.cluster(2, ClusterConfig.local());
        Cluster a = all.get(0);
        Cluster b = all.get(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch handled = new CountDownLatch(5);
        b.handle(NOTE, p -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handled.countDown();
        });
        for (int i = 0; i < 5; i++) {
            a.send(b.localNode(), NOTE, "m" + i);
        }
        // One is in the handler, the other four wait behind it.
        await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().pendingMessages() >= 4);
        assertTrue(b.stats().pendingMessageBytes() >= 4 * 128);
        release.countDown();
        assertTrue(handled.await(10, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> b.stats().pendingMessages() == 0 && b.stats().pendingMessageBytes() == 0);
    }

    @Test
    void streamBytesCountOnTheStreamPath() throws Exception {
        List<Cluster> all = nodes.cluster(2, ClusterConfig.local());
        Cluster a = all.get(0);
        Cluster b = all.get(1);
        CountDownLatch read = new CountDownLatch(1);
        b.handleStream(PIPE, stream -> {
            try (stream; InputStream in = stream.inputStream()) {
                while (in.read(new byte[512]) >= 0) {
                    // count only
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            read.countDown();
        });
        try (NodeStream s = a.openStream(b.localNode(), PIPE).get(10, TimeUnit.SECONDS)) {
            OutputStream out = s.outputStream();
            out.write(new byte[3000]);
            out.write(7);
            out.close();
            assertTrue(read.await(10, TimeUnit.SECONDS));
        }
        assertEquals(3001, a.stats().bytesSent(Path.STREAM));
        assertEquals(2, a.stats().packetsSent(Path.STREAM));
        assertEquals(3001, b.stats().bytesReceived(Path.STREAM));
        assertTrue(b.stats().packetsReceived(Path.STREAM) >= 1);
        assertEquals(0, b.stats().bytesSent(Path.STREAM));
        // The handshake's messages count by kind at both ends.
        assertEquals(1, a.stats().messagesSent(WireFormat.STREAM_OPEN));
        assertEquals(1, b.stats().messagesReceived(WireFormat.STREAM_OPEN));
        assertEquals(1, b.stats().messagesSent(WireFormat.STREAM_REPLY));
        assertEquals(1, a.stats().messagesReceived(WireFormat.STREAM_REPLY));
    }

    @Test
    void aCrashIsSuspectedConfirmedAndCounted() {
        List<Cluster> all = nodes.cluster(4, ClusterConfig.local().deadNodeRetention(Duration.ofSeconds(5)));
        for (Cluster c : all) {
            assertEquals(4, c.memberCount(NodeState.ALIVE));
            assertEquals(4, c.memberCount());
            assertEquals(0, c.memberCount(NodeState.DEAD, NodeState.LEFT));
            assertEquals(4, c.memberCount(NodeState.ALIVE, NodeState.SUSPECT, NodeState.ALIVE));
        }
        Cluster victim = all.get(3);
        Node victimNode = victim.localNode();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (Cluster c : all.subList(0, 3)) {
                assertTrue(c.stats().probeRoundTrips(victimNode.id()).isPresent(), c::toString);
            }
        });
        victim.close();
        List<Cluster> survivors = all.subList(0, 3);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (Cluster c : survivors) {
                assertEquals(NodeState.DEAD, Nodes.stateOf(c, victimNode), c::toString);
            }
        });
        long raised = 0;
        long confirmed = 0;
        for (Cluster c : survivors) {
            raised += c.stats().suspicionsRaised();
            confirmed += c.stats().suspicionsConfirmed();
            assertEquals(3, c.memberCount(NodeState.ALIVE));
            assertEquals(1, c.memberCount(NodeState.DEAD));
            assertEquals(4, c.memberCount());
            assertEquals(c.liveMembers().size(), c.memberCount(NodeState.ALIVE, NodeState.SUSPECT));
            assertEquals(0, c.stats().suspicionsRefuted(), "nobody alive was suspected");
            assertTrue(c.stats().probeRoundTrips(victimNode.id()).isPresent(), "kept until the member is removed");
        }
        assertTrue(raised >= 1, "a survivor's probe failed");
        assertTrue(confirmed >= 1, "a suspicion ended in DEAD");
        // Removal frees the member's round trips.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (Cluster c : survivors) {
                assertEquals(0, c.memberCount(NodeState.DEAD), c::toString);
                assertFalse(c.stats().probeRoundTrips(victimNode.id()).isPresent(), c::toString);
            }
        });
    }

    @Test
    void aSuspicionOfItselfIsRefutedAndRaisesTheHealthScoreThatTheEffectiveConfigApplies() throws Exception {
        Cluster lone = nodes.start(ClusterConfig.local());
        EffectiveConfig before = lone.effectiveConfig();
        assertEquals(0, before.localHealthScore());
        Node self = lone.localNode();
        UUID accuser = UUID.randomUUID();
        byte[] packet = new PacketCodec(accuser, null, Integer.MAX_VALUE, List.of(), 1 << 20)
                .encode(new Message.Suspect(self.id(), self.incarnation(), accuser));
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.send(new DatagramPacket(packet, packet.length, self.address()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> lone.stats().suspicionsRefuted() == 1);
        // Alone, the node probes nobody: nothing lowers the score again.
        assertEquals(1, lone.stats().localHealthScore());
        assertEquals(self.incarnation() + 1, lone.localNode().incarnation());
        assertEquals(1, lone.stats().messagesReceived(WireFormat.SUSPECT));
        EffectiveConfig after = lone.effectiveConfig();
        assertEquals(1, after.localHealthScore());
        assertEquals(lone.config().probeTimeout().multipliedBy(2), after.probeTimeout());
        assertEquals(lone.config().probeInterval().multipliedBy(2), after.probeInterval());
        assertEquals(0, lone.stats().suspicionsRaised());
    }

    @Test
    void theEffectiveConfigNamesEveryResolvedPartAndTheDerivedValuesForTheCurrentSize() {
        ClusterConfig.Builder config = ClusterConfig.local().suspicionMultiplier(4).suspicionMaxMultiplier(6)
                .retransmitMultiplier(4).pushPullInterval(Duration.ofSeconds(10));
        Cluster lone = nodes.start(config);
        EffectiveConfig one = lone.effectiveConfig();
        assertEquals(lone.config(), one.settings());
        assertNull(lone.config().datagramTransport(), "left to ServiceLoader");
        assertEquals("io.tamtam.transport.udp", one.datagramTransport().getClass().getPackageName());
        assertEquals("io.tamtam.transport.tcp", one.streamTransport().getClass().getPackageName());
        assertTrue(one.cipherFactory().isEmpty(), "no keys: plaintext");
        assertTrue(one.seedProvider().isEmpty());
        assertTrue(one.callbackExecutor() != null && one.scheduler() != null);
        assertEquals(lone.localNode().id(), one.nodeId());
        assertEquals(lone.localNode().address(), one.advertisedAddress());
        assertEquals(1, one.liveMembers());
        // N = 1: log10(max(1, 10)) = 1, ceil(log10(2)) = 1, push-pull unscaled.
        Duration interval = lone.config().probeInterval();
        assertEquals(interval.multipliedBy(4), one.suspicionTimeoutMin());
        assertEquals(interval.multipliedBy(24), one.suspicionTimeoutMax());
        assertEquals(4, one.retransmitLimit());
        assertEquals(Duration.ofSeconds(10), one.pushPullInterval());
        assertEquals(interval, one.probeInterval());
        assertEquals(lone.config().probeTimeout(), one.probeTimeout());
        assertTrue(one.toString().contains("io.tamtam.transport.udp"), one::toString);

        // Eleven nodes: log10(11) in the suspicion timeout, ceil(log10(12)) = 2 in the retransmit limit.
        List<Cluster> more = nodes.cluster(10, config);
        for (Cluster c : more) {
            Nodes.join(c, lone);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> lone.memberCount(NodeState.ALIVE) == 11);
        EffectiveConfig eleven = lone.effectiveConfig();
        assertEquals(11, eleven.liveMembers());
        assertEquals(8, eleven.retransmitLimit());
        assertEquals(Duration.ofNanos((long) (4 * Math.log10(11) * interval.toNanos())), eleven.suspicionTimeoutMin());
        assertEquals(eleven.suspicionTimeoutMin().multipliedBy(6), eleven.suspicionTimeoutMax());
        assertEquals(Duration.ofSeconds(10), eleven.pushPullInterval(), "unscaled up to 32 members");
    }
}
