package io.tamtam.testkit.api;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.JoinException;
import io.tamtam.MembershipEvent;
import io.tamtam.Node;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** API misuse gets exceptions that say what to do; contracts of the public API hold on the simulator. */
class ApiContractTest {

    @Test
    void registeringATypeTwiceOrAReservedTypeThrows() {
        try (SimNetwork net = SimNetwork.builder().seed(3).build()) {
            Cluster c = net.addNode().cluster();
            c.handle(MessageType.of(200, String.class), p -> { });
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> c.handle(MessageType.of(200, String.class), p -> { }));
            assertTrue(twice.getMessage().contains("already registered"), twice.getMessage());
            IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class, () -> c.handle(MessageType.of(5, String.class), p -> { }));
            assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.handle(MessageType.of(70_000, String.class), p -> { }));
            IllegalStateException noCodec = assertThrows(IllegalStateException.class, () -> c.handle(MessageType.of(201, Integer.class), p -> { }));
            assertTrue(noCodec.getMessage().contains("tamtam-codec"), noCodec.getMessage());
            c.handleStream(200, s -> { });
            assertThrows(IllegalStateException.class, () -> c.handleStream(200, s -> { }));
        }
    }

    @Test
    void encryptionKeyWithoutCipherDoesNotStart() {
        try (SimNetwork net = SimNetwork.builder().seed(3).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.addNode(b -> b.encryptionKeys(new byte[16])));
            assertTrue(e.getMessage().contains("no cipher"), e.getMessage());
        }
    }

    @Test
    void metadataChangesReachEveryNodeAndOversizedMetadataIsRefused() {
        try (SimNetwork net = SimNetwork.builder().seed(4).build()) {
            List<SimNode> nodes = net.addNodes(10);
            for (SimNode n : nodes.subList(1, 10)) {
                n.cluster().join(nodes.get(0).address());
            }
            assertTrue(net.runUntil(net::converged, Duration.ofSeconds(30)));
            AtomicInteger updated = new AtomicInteger();
            SimNode changer = nodes.get(3);
            for (SimNode n : nodes) {
                n.cluster().addMembershipListener(ev -> {
                    if (ev.type() == MembershipEvent.Type.UPDATED && ev.node().id().equals(changer.id())) {
                        updated.incrementAndGet();
                    }
                });
            }
            changer.cluster().setMetadata("role", "db");
            assertTrue(net.runUntil(() -> nodes.stream().allMatch(n -> "db".equals(
                    n.cluster().member(changer.id()).map(m -> m.metadata().get("role")).orElse(null))), Duration.ofSeconds(10)));
            assertEquals(10, updated.get(), "every node, the changer included, gets one UPDATED event");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> changer.cluster().setMetadata("blob", "x".repeat(600)));
            assertTrue(e.getMessage().contains("maxMetadataBytes"), e.getMessage());
        }
    }

    @Test
    void incompatibleApplicationVersionIsRefusedWithTheReason() throws Exception {
        try (SimNetwork net = SimNetwork.builder().seed(5).build()) {
            SimNode seed = net.addNode(b -> b.applicationVersion("2.0").applicationVersionCheck(v -> v.startsWith("2.")));
            SimNode old = net.addNode(b -> b.applicationVersion("1.4"));
            CompletableFuture<Node> join = old.cluster().join(seed.address());
            assertTrue(net.runUntil(join::isDone, Duration.ofSeconds(30)));
            ExecutionException e = assertThrows(ExecutionException.class, join::get);
            assertInstanceOf(JoinException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("application version '1.4'"), e.getCause().getMessage());
            assertEquals(1, seed.cluster().liveMembers().size());
        }
    }

    @Test
    void joinWithoutArgumentsUsesTheSeedProvider() throws Exception {
        try (SimNetwork net = SimNetwork.builder().seed(8).build()) {
            SimNode seed = net.addNode();
            SimNode joiner = net.addNode(b -> b.seedProvider(() -> List.of(seed.address())));
            CompletableFuture<Node> join = joiner.cluster().join();
            assertTrue(net.runUntil(join::isDone, Duration.ofSeconds(10)));
            assertEquals(seed.id(), join.get().id());
            assertTrue(net.runUntil(net::converged, Duration.ofSeconds(10)));
            SimNode lonely = net.addNode();
            ExecutionException e = assertThrows(ExecutionException.class, () -> lonely.cluster().join().get());
            assertTrue(e.getCause().getMessage().contains("seedProvider"), e.getCause().getMessage());
        }
    }

    @Test
    void joinWithNoReachableSeedFailsWithEachReason() throws Exception {
        try (SimNetwork net = SimNetwork.builder().seed(6).build()) {
            SimNode a = net.addNode();
            SimNode gone = net.addNode();
            gone.crash();
            CompletableFuture<Node> join = a.cluster().join(gone.address(), a.address());
            assertTrue(net.runUntil(join::isDone, Duration.ofSeconds(30)));
            ExecutionException e = assertThrows(ExecutionException.class, join::get);
            assertEquals(2, e.getCause().getSuppressed().length, e.getCause().getMessage());
            assertTrue(e.getCause().getMessage().contains("own address"), e.getCause().getMessage());
        }
    }

    @Test
    void aThrowingHandlerDoesNotStopTheProtocolAndCloseIsIdempotent() {
        try (SimNetwork net = SimNetwork.builder().seed(7).build()) {
            List<SimNode> nodes = net.addNodes(5);
            for (SimNode n : nodes.subList(1, 5)) {
                n.cluster().join(nodes.get(0).address());
            }
            assertTrue(net.runUntil(net::converged, Duration.ofSeconds(30)));
            List<String> got = new CopyOnWriteArrayList<>();
            for (SimNode n : nodes) {
                n.cluster().handle(MessageType.of(300, String.class), p -> {
                    got.add(p.payload());
                    throw new IllegalStateException("handler failure on purpose");
                });
            }
            nodes.get(0).cluster().broadcast(MessageType.of(300, String.class), "one");
            nodes.get(1).cluster().broadcast(MessageType.of(300, String.class), "two");
            assertTrue(net.runUntil(() -> got.size() == 8, Duration.ofSeconds(10)));
            assertTrue(nodes.get(2).cluster().stats().callbackErrors() >= 2);
            assertTrue(net.runUntil(net::converged, Duration.ofSeconds(5)));
            nodes.get(4).cluster().close();
            nodes.get(4).cluster().close();
        }
    }
}
