package io.tamtam.internal;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;
import io.tamtam.NodeState;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.internal.wire.WireWriter;
import io.tamtam.query.QueryOptions;
import io.tamtam.query.QuerySummary;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one remote peer, sending only well-formed packets, can make a real node hold: the node runs on
 * {@link TappedTransports}, and the test hands it packets built with the project's codec.
 */
class RemoteInputBoundsTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40_001);

    private static Cluster start(TappedTransports net, ClusterConfig.Builder b) throws Exception {
        Cluster node = Cluster.create(b.datagramTransport(o -> net).streamTransport(o -> net).build());
        await().until(net::bound);
        return node;
    }

    private static byte[] packet(UUID sender, Message... ms) {
        return new PacketCodec(sender, null, Integer.MAX_VALUE, List.of(), 16 << 20).encodeAll(List.of(ms));
    }

    private static MemberInfo alive(UUID id, InetSocketAddress at) {
        return new MemberInfo(id, 1, NodeState.ALIVE, at, WireFormat.PROTOCOL_VERSION, "", Map.of());
    }

    /** @return the id of the query the node broadcast to {@code peer}, once it has */
    private static Long queryId(TappedTransports net) {
        for (Message m : net.messagesSentToTapped()) {
            if (m instanceof Message.Broadcast bc && bc.userType() == 0x33) {
                return ByteBuffer.wrap(bc.payload()).getLong();
            }
        }
        return null;
    }

    @Test
    void aQueryKeepsAcknowledgementsAndAnswersOfLiveMembersOnly() throws Exception {
        TappedTransports net = new TappedTransports(PEER);
        try (Cluster node = start(net, ClusterConfig.local())) {
            UUID peer = UUID.randomUUID();
            net.datagram(PEER, packet(peer, new Message.Alive(alive(peer, PEER))));
            await().until(() -> node.member(peer).isPresent());
            CompletableFuture<QuerySummary> summary = node.query("load", new byte[0],
                    QueryOptions.DEFAULT.timeout(Duration.ofSeconds(2)));
            long id = await().atMost(Duration.ofSeconds(10)).until(() -> queryId(net), q -> q != null);
            long wrongBefore = node.stats().dropped(DropReason.WRONG_TARGET);
            int strangers = 1000;
            for (int i = 0; i < strangers; i++) {
                // an answer naming a responder that is no member, and an acknowledgement from a sender that is none
                WireWriter answer = new WireWriter(64);
                answer.i64(id).uuid(UUID.randomUUID()).bytes(new byte[32], 0, 32);
                net.datagram(PEER, packet(peer, new Message.User(0x35, answer.toByteArray())));
                WireWriter ack = new WireWriter(8);
                ack.i64(id);
                net.datagram(PEER, packet(UUID.randomUUID(), new Message.User(0x34, ack.toByteArray())));
            }
            WireWriter answer = new WireWriter(64);
            answer.i64(id).uuid(peer).bytes(new byte[] {7}, 0, 1);
            net.datagram(PEER, packet(peer, new Message.User(0x35, answer.toByteArray())));
            WireWriter ack = new WireWriter(8);
            ack.i64(id);
            net.datagram(PEER, packet(peer, new Message.User(0x34, ack.toByteArray())));

            QuerySummary s = summary.get(20, TimeUnit.SECONDS);
            assertEquals(Set.of(peer), s.responses().keySet());
            assertNotNull(s.responses().get(peer));
            assertEquals(Set.of(peer, node.localNode().id()), Set.copyOf(s.acked()), "the origin and the member only");
            assertEquals(2L * strangers, node.stats().dropped(DropReason.WRONG_TARGET) - wrongBefore);
        }
    }

    @Test
    void pushPullRequestsOtherThanJoinsAreAnsweredAtABoundedRate() throws Exception {
        TappedTransports net = new TappedTransports(PEER);
        try (Cluster node = start(net, ClusterConfig.local())) {
            UUID peer = UUID.randomUUID();
            int requests = 200;
            long fullBefore = node.stats().dropped(DropReason.QUEUE_FULL);
            for (int i = 0; i < requests; i++) {
                net.frame(PEER, packet(peer, new Message.PushPull(1000 + i, 0, List.of(alive(peer, PEER)), null)));
            }
            // each request is answered or counted, once the protocol thread has read them all
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    replies(net) + node.stats().dropped(DropReason.QUEUE_FULL) - fullBefore == requests);
            int answered = replies(net);
            // a burst, and what the interval refilled while the test ran (15 s interval: one per second)
            assertTrue(answered >= 16 && answered <= 16 + 20,
                    "answered " + answered + " of " + requests);
            await().until(() -> node.member(peer).isPresent()); // merged all the same
        }
    }

    /** @return push-pull replies the node sent to the peer's address, to requests of this test */
    private static int replies(TappedTransports net) {
        return (int) net.messagesSentToTapped().stream()
                .filter(m -> m instanceof Message.PushPull pp && pp.reply() && pp.requestId() >= 1000).count();
    }

    @Test
    void refusalsOfJoinsGoOutAtABoundedRate() throws Exception {
        TappedTransports net = new TappedTransports(PEER);
        try (Cluster node = start(net, ClusterConfig.local())) {
            int packets = 100;
            int perPacket = 20;
            long incompatibleBefore = node.stats().dropped(DropReason.INCOMPATIBLE_VERSION);
            for (int i = 0; i < packets; i++) {
                UUID sender = UUID.randomUUID();
                Message[] joins = new Message[perPacket];
                for (int j = 0; j < perPacket; j++) {
                    // a join of protocol version 0, naming the address the refusal goes to
                    joins[j] = new Message.PushPull(i * perPacket + j + 1, WireFormat.PUSH_PULL_JOIN, List.of(
                            new MemberInfo(sender, 1, NodeState.ALIVE, PEER, 0, "", Map.of())), null);
                }
                net.datagram(PEER, packet(sender, joins));
            }
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    node.stats().dropped(DropReason.INCOMPATIBLE_VERSION) - incompatibleBefore == (long) packets * perPacket);
            long refusals = net.messagesSentToTapped().stream().filter(m -> m instanceof Message.Refuse).count();
            // a burst of 16, and 16 a second while the test ran
            assertTrue(refusals >= 16 && refusals <= 16 + 16 * 10, refusals + " refusals sent");
        }
    }

    @Test
    void aServiceListenerOrChangeHookThatBlocksHoldsABoundedQueue() throws Exception {
        TappedTransports net = new TappedTransports(PEER);
        try (Cluster node = start(net, ClusterConfig.local())) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();
            node.services().addListener(e -> {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                handled.incrementAndGet();
            });
            // a gateway's change hook that blocks too: at most one more run waits behind it
            java.util.concurrent.atomic.AtomicInteger hookRuns = new java.util.concurrent.atomic.AtomicInteger();
            ((io.tamtam.internal.services.ServiceLayer) node.services()).onChange(() -> {
                hookRuns.incrementAndGet();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            });
            UUID peer = UUID.randomUUID();
            StringBuilder a = new StringBuilder();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < io.tamtam.services.Services.MAX_SERVICES_PER_NODE; i++) {
                a.append(i == 0 ? "" : ",").append('a').append(i);
                b.append(i == 0 ? "" : ",").append('b').append(i);
            }
            int updates = 1_100; // 64 events each (32 services gone, 32 new): 70,368 in all
            for (int i = 1; i <= updates; i++) {
                Map<String, String> meta = Map.of(io.tamtam.services.Services.METADATA_KEY, (i % 2 == 0 ? a : b).toString());
                net.datagram(PEER, packet(peer, new Message.Alive(
                        new MemberInfo(peer, i, NodeState.ALIVE, PEER, WireFormat.PROTOCOL_VERSION, "", meta))));
            }
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    node.member(peer).map(n -> n.incarnation() == updates).orElse(false));
            long missed = node.stats().eventsMissed();
            assertTrue(missed > 0, "no event missed");
            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() + missed >= 32 + (updates - 1) * 64L);
            assertTrue(handled.get() <= io.tamtam.internal.runtime.ListenerLanes.MAX_QUEUED + 1,
                    handled.get() + " events were queued for one blocked listener");
            await().atMost(Duration.ofSeconds(10)).until(() -> hookRuns.get() >= 2);
            // the blocked run and one that waited for it (a later change of the peer, say its suspicion, may add one)
            assertTrue(hookRuns.get() <= 4, hookRuns.get() + " runs of the hook for " + updates + " changes");
        }
    }

    @Test
    void onlyItsReceiverEndsATransferAndAReceiverThatAnswersNothingFailsIt(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        TappedTransports net = new TappedTransports(PEER);
        io.tamtam.transfer.TransferConfig transfers = io.tamtam.transfer.TransferConfig.defaults().withDirectory(dir)
                .withPartTimeout(Duration.ofMillis(200)).withUnreachableTimeout(Duration.ofSeconds(2));
        // probes far apart: the silent receiver stays a live member while the test runs
        try (Cluster node = start(net, ClusterConfig.local().transfers(transfers)
                .probeInterval(Duration.ofSeconds(30)).probeTimeout(Duration.ofSeconds(10)).rejoinMaxBackoff(Duration.ofMinutes(1)))) {
            UUID peer = UUID.randomUUID();
            net.datagram(PEER, packet(peer, new Message.Alive(alive(peer, PEER))));
            await().until(() -> node.member(peer).isPresent());
            io.tamtam.transfer.Transfer t = node.transfers().send(peer, io.tamtam.transfer.TransferType.of(600),
                    new java.io.ByteArrayInputStream(new byte[10_000]), 10_000, io.tamtam.transfer.TransferOptions.defaults());
            UUID id = await().atMost(Duration.ofSeconds(10)).until(() -> offerId(net), o -> o != null);
            // a third node says the transfer completed: not its receiver, so it is ignored and counted
            long wrongBefore = node.stats().dropped(DropReason.WRONG_TARGET);
            UUID stranger = UUID.randomUUID();
            net.frame(new InetSocketAddress("127.0.0.1", 40_003), packet(stranger, new Message.TransferDone(id, 0, "")));
            await().atMost(Duration.ofSeconds(10)).until(() -> node.stats().dropped(DropReason.WRONG_TARGET) > wrongBefore);
            assertTrue(!t.result().isDone(), "a stranger ended the transfer: " + t.result());
            // the receiver stays a live member and answers nothing
            io.tamtam.transfer.TransferResult r = t.result().get(20, TimeUnit.SECONDS);
            assertEquals(io.tamtam.transfer.TransferResult.Status.FAILED, r.status());
            assertTrue(r.reason().contains("answered nothing"), r.reason());
        }
    }

    /** @return the wire id of the first transfer offer the node sent to the peer's address */
    private static UUID offerId(TappedTransports net) {
        return net.messagesSentToTapped().stream().filter(m -> m instanceof Message.TransferOffer)
                .map(m -> ((Message.TransferOffer) m).id()).findFirst().orElse(null);
    }
}
