package io.tamtam.testkit.services;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.status.ClusterStatus;
import io.tamtam.status.StatusEvent;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.tamtam.status.StatusEvent.Type.COMPLETE_LOST;
import static io.tamtam.status.StatusEvent.Type.COMPLETE_UP;
import static io.tamtam.status.StatusEvent.Type.QUORUM_LOST;
import static io.tamtam.status.StatusEvent.Type.QUORUM_UP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cluster status events (quorum, complete) with a configured and a learned expected size. */
class StatusTest {
    private final List<Cluster> real = new ArrayList<>();

    @AfterEach
    void close() {
        real.forEach(Cluster::close);
    }

    @Test
    void quorumAndCompletenessComeAndGoWithTheMembersOnTheSimulator() {
        try (SimNetwork net = SimNetwork.builder().seed(21).trace(false).build()) {
            List<SimNode> nodes = net.addNodes(5);
            Cluster watcher = nodes.get(0).cluster();
            List<StatusEvent.Type> seen = new ArrayList<>();
            watcher.status().addListener(e -> seen.add(e.type()));
            watcher.status().expectSize(5);
            net.runFor(Duration.ofMillis(10));
            assertEquals(List.of(QUORUM_LOST, COMPLETE_LOST), seen, "alone, expecting 5");
            seen.clear();
            nodes.get(1).cluster().join(nodes.get(0).address());
            nodes.get(2).cluster().join(nodes.get(0).address());
            Sim.until(net, () -> seen.contains(QUORUM_UP), "3 of 5 make a quorum");
            assertFalse(watcher.status().current().complete());
            nodes.get(3).cluster().join(nodes.get(0).address());
            nodes.get(4).cluster().join(nodes.get(0).address());
            Sim.until(net, () -> seen.contains(COMPLETE_UP), "5 of 5 make it complete");
            assertEquals(List.of(QUORUM_UP, COMPLETE_UP), seen);
            Sim.until(net, net::converged, "converged");
            ClusterStatus learned = nodes.get(1).cluster().status().current();
            assertEquals(5, learned.expectedSize());
            assertTrue(learned.learned() && learned.complete() && learned.quorum());

            seen.clear();
            nodes.get(4).crash();
            Sim.until(net, () -> seen.contains(COMPLETE_LOST), "a failed node ends completeness");
            Sim.until(net, () -> !nodes.get(1).cluster().status().current().complete(), "the learned size notices too");
            nodes.get(3).crash();
            nodes.get(2).crash();
            Sim.until(net, () -> seen.contains(QUORUM_LOST), "2 of 5 is no quorum");
            assertEquals(List.of(COMPLETE_LOST, QUORUM_LOST), seen);
            ClusterStatus s = watcher.status().current();
            assertEquals(new ClusterStatus(5, false, 2, 3, false, false), s);
            assertThrows(IllegalArgumentException.class, () -> watcher.status().expectSize(-1));
        }
    }

    @Test
    void statusEventsOnRealSockets() throws Exception {
        Cluster a = Cluster.create(ClusterConfig.local().build());
        real.add(a);
        List<StatusEvent.Type> seen = new CopyOnWriteArrayList<>();
        a.status().addListener(e -> seen.add(e.type()));
        a.status().expectSize(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.equals(List.of(QUORUM_LOST, COMPLETE_LOST)));
        for (int i = 0; i < 2; i++) {
            Cluster c = Cluster.create(ClusterConfig.local().build());
            real.add(c);
            c.join(a.localNode().address()).get(20, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(COMPLETE_UP));
        assertEquals(List.of(QUORUM_LOST, COMPLETE_LOST, QUORUM_UP, COMPLETE_UP), seen);
        real.get(2).close();
        await().atMost(Duration.ofSeconds(60)).until(() -> seen.contains(StatusEvent.Type.COMPLETE_LOST) && seen.size() == 5);
        assertTrue(a.status().current().quorum(), "2 of 3 is still a quorum");
    }
}
