package io.tamtam.testkit.faults;

import io.tamtam.MessageType;
import io.tamtam.RequestType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;
import io.tamtam.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.tamtam.testkit.faults.FaultyCluster.assertStates;
import static io.tamtam.testkit.faults.FaultyCluster.awaitStates;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Four real nodes on loopback UDP and TCP under injected faults: what the membership protocol makes of them. */
class FaultInjectorClusterTest {
    private static final MessageType<String> TEXT = MessageType.of(1000, String.class);
    private static final RequestType<String, String> UPPER = RequestType.of(1001, String.class, String.class);


    private static final Duration DETECT = Duration.ofSeconds(20);
    private static final Duration RECOVER = Duration.ofSeconds(30);

    /**
     * A healed partition merges when a node's push-pull reaches a member it holds dead; that runs every
     * pushPullInterval (jittered), and with local()'s 15 s it may come after the dead member is removed.
     */
    private static ClusterConfig.Builder merging() {
        return ClusterConfig.local().pushPullInterval(Duration.ofSeconds(2));
    }

    private FaultyCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aTwoTwoPartitionMakesEachSideSeeTheOtherDeadAndTheHealMergesThem() throws Exception {
        cluster = new FaultyCluster(4, merging());
        List<Cluster> left = cluster.nodes.subList(0, 2);
        List<Cluster> right = cluster.nodes.subList(2, 4);
        cluster.faults.partition(cluster.addresses(left), cluster.addresses(right));

        awaitStates(left, right, NodeState.DEAD, DETECT);
        awaitStates(right, left, NodeState.DEAD, DETECT);
        assertStates(left, left, NodeState.ALIVE);
        assertStates(right, right, NodeState.ALIVE);
        assertTrue(cluster.faults.dropped() > 0);

        cluster.faults.heal();
        awaitStates(cluster.nodes, cluster.nodes, NodeState.ALIVE, RECOVER);
    }

    @Test
    void aNodeWhosePacketsCannotLeaveIsDeclaredDeadAndComesBackAfterTheHeal() throws Exception {
        cluster = new FaultyCluster(4, merging());
        Cluster mute = cluster.nodes.get(3);
        List<Cluster> others = cluster.nodes.subList(0, 3);
        cluster.faults.partitionOneWay(List.of(cluster.address(3)), cluster.addresses(others));

        awaitStates(others, List.of(mute), NodeState.DEAD, DETECT);
        assertStates(others, others, NodeState.ALIVE);

        cluster.faults.heal();
        awaitStates(cluster.nodes, cluster.nodes, NodeState.ALIVE, RECOVER);
    }

    @Test
    void aLongFreezeIsSuspectedThenDeclaredDeadAndTheThawedNodeComesBack() throws Exception {
        cluster = new FaultyCluster(4, ClusterConfig.local());
        Cluster frozen = cluster.nodes.get(3);
        List<Cluster> others = cluster.nodes.subList(0, 3);
        cluster.faults.freeze(cluster.address(3));

        awaitStates(others, List.of(frozen), NodeState.DEAD, DETECT);
        assertTrue(cluster.heard(frozen, MembershipEvent.Type.SUSPECT) >= 1, "suspected before dead");

        cluster.faults.thaw(cluster.address(3));
        awaitStates(cluster.nodes, cluster.nodes, NodeState.ALIVE, RECOVER);
    }

    @Test
    void aShortFreezeIsSuspectedAndRefutedSoTheNodeStaysAlive() throws Exception {
        // a suspicion lasts at least 1.2 s (6 x log10(10) x 200 ms): room for the refutation on a busy machine
        cluster = new FaultyCluster(4, ClusterConfig.local().suspicionMultiplier(6));
        Cluster frozen = cluster.nodes.get(3);
        Set<Cluster> suspecting = ConcurrentHashMap.newKeySet();
        for (Cluster c : cluster.nodes.subList(0, 3)) {
            // thaw as soon as the first node suspects it, well inside the suspicion timeout
            c.addMembershipListener(e -> {
                if (e.type() == MembershipEvent.Type.SUSPECT && e.node().id().equals(frozen.localNode().id())) {
                    suspecting.add(c);
                    cluster.faults.thaw(cluster.address(3));
                }
            });
        }
        cluster.faults.freeze(cluster.address(3));

        await().atMost(DETECT).until(() -> !suspecting.isEmpty());
        awaitStates(cluster.nodes, cluster.nodes, NodeState.ALIVE, RECOVER);
        assertEquals(0, cluster.heard(frozen, MembershipEvent.Type.DEAD), "refuted before the suspicion timed out");
        assertTrue(frozen.localNode().incarnation() > 0, "the node refuted with a higher incarnation");
    }

    @Test
    void withThirtyPercentDatagramLossNobodyIsDeclaredDeadAndBroadcastsArrive() throws Exception {
        // settings for a lossy network: twice the retransmissions (a broadcast is piggybacked 8 times by
        // each node instead of 4) and suspicions of at least 1.2 s, time for refutations to get through
        cluster = new FaultyCluster(4, ClusterConfig.local().retransmitMultiplier(8).suspicionMultiplier(6));
        for (Cluster from : cluster.nodes) {
            for (Cluster to : cluster.nodes) {
                if (from != to) {
                    cluster.faults.loss(from.localNode().address(), to.localNode().address(), 0.3);
                }
            }
        }
        Set<String> received = ConcurrentHashMap.newKeySet();
        for (Cluster c : cluster.nodes.subList(1, 4)) {
            c.handle(TEXT, p -> received.add(c.localNode().address() + " " + p.payload()));
        }
        for (int i = 0; i < 20; i++) {
            cluster.nodes.get(0).broadcast(TEXT, "b" + i).get(10, TimeUnit.SECONDS);
        }
        // every broadcast reaches every other node, and the protocol ran long enough to lose many datagrams
        await().atMost(RECOVER).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            assertEquals(60, received.size(), () -> "received " + new java.util.TreeSet<>(received));
            assertTrue(cluster.faults.dropped() >= 150, () -> cluster.faults.dropped() + " datagrams lost");
        });
        for (Cluster c : cluster.nodes) {
            assertEquals(0, cluster.heard(c, MembershipEvent.Type.DEAD), () -> "false DEAD of " + c.localNode());
        }
        awaitStates(cluster.nodes, cluster.nodes, NodeState.ALIVE, RECOVER);
    }

    @Test
    void delayedLinksStillCarryRequestsReliableSendsAndBroadcasts() throws Exception {
        cluster = new FaultyCluster(3, ClusterConfig.local());
        for (int i = 0; i < 3; i++) {
            cluster.faults.delay(cluster.address(i), Duration.ofMillis(20));   // 40 ms per hop
        }
        Cluster a = cluster.nodes.get(0);
        Cluster b = cluster.nodes.get(1);
        Set<String> received = ConcurrentHashMap.newKeySet();
        b.handle(TEXT, p -> received.add(p.payload()));
        cluster.nodes.get(2).handle(TEXT, p -> received.add("c " + p.payload()));
        b.handleRequest(UPPER, p -> p.payload().toUpperCase());

        assertEquals("PING", a.request(b.localNode(), UPPER, "ping", Duration.ofSeconds(10))
                .get(15, TimeUnit.SECONDS));
        a.sendReliable(b.localNode(), TEXT, "reliable").get(15, TimeUnit.SECONDS);
        a.broadcast(TEXT, "broadcast").get(15, TimeUnit.SECONDS);
        await().atMost(RECOVER).until(() -> received.containsAll(Set.of("reliable", "broadcast", "c broadcast")));
        assertTrue(cluster.faults.delayedOrHeld() > 0);
    }
}
