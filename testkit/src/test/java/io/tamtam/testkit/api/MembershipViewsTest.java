package io.tamtam.testkit.api;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;
import io.tamtam.MembershipEvent.Cause;
import io.tamtam.MembershipEvent.Type;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.testkit.faults.FaultInjector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership views, node identity, rich events and the gap-free subscription, on real sockets with a
 * node frozen by the fault injector.
 */
class MembershipViewsTest {
    private final FaultInjector faults = new FaultInjector(11);
    private final List<Cluster> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        nodes.forEach(Cluster::close);
        faults.close();
    }

    private Cluster start(ClusterConfig.Builder config) throws Exception {
        Cluster c = Cluster.create(faults.configure(config).build());
        nodes.add(c);
        return c;
    }

    @Test
    void viewsEventsAndIdentityFollowAFrozenNodeFromSuspectToRemoved() throws Exception {
        ClusterConfig.Builder config = ClusterConfig.local().deadNodeRetention(Duration.ofSeconds(1));
        Cluster a = start(config);
        Cluster b = start(config);
        Cluster c = start(config);
        Queue<MembershipEvent> events = new ConcurrentLinkedQueue<>();
        a.addMembershipListener(events::add);
        b.join(a.localNode().address()).get(10, TimeUnit.SECONDS);
        c.join(a.localNode().address()).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.members(NodeState.ALIVE).size() == 3);

        UUID cId = c.localNode().id();
        Node cBefore = a.member(cId).orElseThrow();
        c.setMetadata("role", "worker");
        await().atMost(Duration.ofSeconds(10)).until(() -> "worker".equals(a.member(cId).orElseThrow().metadata().get("role")));
        Node cAfter = a.member(cId).orElseThrow();
        assertEquals(cBefore, cAfter, "a node is equal to any snapshot of itself");
        assertEquals(cBefore.hashCode(), cAfter.hashCode());
        Map<Node, String> byNode = new HashMap<>();
        byNode.put(cBefore, "c");
        assertEquals("c", byNode.get(cAfter));
        MembershipEvent updated = events.stream().filter(e -> e.type() == Type.UPDATED && e.node().id().equals(cId))
                .findFirst().orElseThrow();
        assertEquals(Map.of(), updated.previousMetadata());
        assertEquals(Cause.METADATA_CHANGED, updated.cause());
        assertEquals(NodeState.ALIVE, updated.previousState());

        faults.freeze(c.localNode().address());
        await().atMost(Duration.ofSeconds(15)).until(() -> a.member(cId).map(Node::state).orElse(null) != NodeState.ALIVE);
        if (a.member(cId).orElseThrow().state() == NodeState.SUSPECT) {
            assertTrue(a.liveMembers().contains(cAfter), "a suspect is still live");
            assertFalse(a.members(NodeState.ALIVE).contains(cAfter), "but not ALIVE");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> a.wasRemoved(cId));
        assertTrue(a.member(cId).isEmpty());
        assertTrue(a.wasRemoved(cId), "forgotten, not never known");
        assertFalse(a.wasRemoved(UUID.randomUUID()), "never known");
        assertEquals(2, a.liveMembers().size());

        MembershipEvent suspect = events.stream().filter(e -> e.type() == Type.SUSPECT && e.node().id().equals(cId))
                .findFirst().orElseThrow();
        assertEquals(NodeState.ALIVE, suspect.previousState());
        assertEquals(Cause.SUSPECTED, suspect.cause());
        assertNotNull(suspect.source());
        MembershipEvent dead = events.stream().filter(e -> e.type() == Type.DEAD && e.node().id().equals(cId))
                .findFirst().orElseThrow();
        assertEquals(NodeState.SUSPECT, dead.previousState());
        assertTrue(dead.cause() == Cause.SUSPICION_CONFIRMED || dead.cause() == Cause.DECLARED_DEAD, dead.toString());
        MembershipEvent removed = events.stream().filter(e -> e.type() == Type.REMOVED && e.node().id().equals(cId))
                .findFirst().orElseThrow();
        assertEquals(Cause.REAPED, removed.cause());
        assertNull(removed.source());
        assertTrue(suspect.clockNanos() <= dead.clockNanos() && dead.clockNanos() <= removed.clockNanos());

        // A destination that was removed fails with the reason, not an exception.
        Throwable failure = a.send(cId, io.tamtam.MessageType.of(1000, String.class), "x")
                .handle((v, err) -> err).get(5, TimeUnit.SECONDS);
        assertTrue(failure.getMessage().contains("was removed"), failure.getMessage());
    }

    @Test
    void snapshotAndSubscribeHasNoGapAndNoDuplicateWhileNodesJoin() throws Exception {
        Cluster seed = start(ClusterConfig.local());
        List<Cluster> joiners = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            joiners.add(start(ClusterConfig.local()));
        }
        List<List<Node>> snapshots = new CopyOnWriteArrayList<>();
        List<MembershipEvent> after = new CopyOnWriteArrayList<>();
        InetSocketAddress seedAddress = seed.localNode().address();
        for (int i = 0; i < joiners.size(); i++) {
            joiners.get(i).join(seedAddress);
            if (i == 2) {
                seed.snapshotAndSubscribe(snapshots::add, after::add);
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> seed.members(NodeState.ALIVE).size() == 7);
        await().atMost(Duration.ofSeconds(5)).until(() -> snapshots.size() == 1);
        // The snapshot plus the JOINED events after it name every member exactly once.
        Set<UUID> seen = new HashSet<>();
        for (Node n : snapshots.get(0)) {
            assertTrue(seen.add(n.id()), "duplicate in snapshot " + n);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size()
                + after.stream().filter(e -> e.type() == Type.JOINED).count() == 7);
        for (MembershipEvent e : after) {
            if (e.type() == Type.JOINED) {
                assertTrue(seen.add(e.node().id()), "JOINED after the snapshot for a node in it: " + e);
                assertEquals(Cause.DISCOVERED, e.cause());
                assertNull(e.previousState());
            }
        }
        Set<UUID> all = new HashSet<>();
        seed.members().forEach(n -> all.add(n.id()));
        assertEquals(all, seen);
    }
}
