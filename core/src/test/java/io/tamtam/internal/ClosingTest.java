package io.tamtam.internal;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.NodeState;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.query.QueryOptions;
import io.tamtam.services.Delivery;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing a node stops its protocol thread and timers: what it accepted and had not finished fails then,
 * with a reason, and what it is asked after that fails at once.
 */
class ClosingTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40_001);

    private static Cluster start(TappedTransports net) throws Exception {
        Cluster node = Cluster.create(ClusterConfig.local().datagramTransport(o -> net).streamTransport(o -> net).build());
        await().until(net::bound);
        return node;
    }

    private static UUID addPeer(TappedTransports net, Cluster node) {
        UUID peer = UUID.randomUUID();
        MemberInfo info = new MemberInfo(peer, 1, NodeState.ALIVE, PEER, WireFormat.PROTOCOL_VERSION, "", Map.of());
        net.datagram(PEER, new PacketCodec(peer, null, Integer.MAX_VALUE, List.of(), 16 << 20)
                .encodeAll(List.of(new Message.Alive(info))));
        await().until(() -> node.member(peer).isPresent());
        return peer;
    }

    /** Waits for {@code f} to fail, and checks it says the node closed. */
    private static void failsClosed(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
    }

    @Test
    void whatWasInFlightWhenTheNodeClosedFailsWithAReason() throws Exception {
        TappedTransports net = new TappedTransports(PEER);
        Cluster node = start(net);
        UUID peer = addPeer(net, node);
        CompletableFuture<Void> held = node.services().sendReliable("billing", new byte[10],
                Delivery.DEFAULT.cacheFor(Duration.ofMinutes(5)));
        await().until(() -> node.services().cachedMessages() == 1);
        // the peer never answers: the ping, the query and the join wait
        CompletableFuture<Duration> ping = node.ping(node.member(peer).orElseThrow(), Duration.ofMinutes(5));
        CompletableFuture<?> query = node.query("load", new byte[0], QueryOptions.DEFAULT.timeout(Duration.ofMinutes(5)));
        CompletableFuture<?> join = node.join(List.of(new InetSocketAddress("127.0.0.1", 40_002)));
        CompletableFuture<Void> leave = node.leave(Duration.ofMinutes(5));
        node.close();
        for (CompletableFuture<?> f : List.of(held, ping, query, join, leave)) {
            failsClosed(f);
        }
    }

    @Test
    void whatIsAskedOfAClosedNodeFailsAtOnce() throws Exception {
        TappedTransports net = new TappedTransports(PEER);
        Cluster node = start(net);
        node.close();
        failsClosed(node.services().send("billing", new byte[10], Delivery.DEFAULT));
        failsClosed(node.services().request("billing", new byte[10], Delivery.DEFAULT.cacheFor(Duration.ofMinutes(1))));
        failsClosed(node.services().sendToGroup("billing", new byte[10]));
        failsClosed(node.query("load", new byte[0], QueryOptions.DEFAULT));
        failsClosed(node.join(List.of(PEER)));
        assertTrue(node.leave(Duration.ofSeconds(1)).isDone(), "a closed node has nothing to leave");
    }
}
