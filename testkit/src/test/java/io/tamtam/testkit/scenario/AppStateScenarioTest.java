package io.tamtam.testkit.scenario;

import io.tamtam.DropReason;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Application state in the simulator: every node's latest published state reaches every other node's
 * merge hook through the periodic push-pull alone (states are not relayed). Callbacks run inline on the
 * simulator's thread.
 */
class AppStateScenarioTest {
    private static final int NODES = 16;
    private static final Duration PUSH_PULL = Duration.ofSeconds(1);

    @Test
    void everyNodesLatestStateReachesEveryOtherNode() {
        try (SimNetwork net = SimNetwork.builder().seed(77).trace(false).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, NODES, Duration.ofMinutes(1), b -> b.pushPullInterval(PUSH_PULL));
            List<Map<UUID, String>> views = new ArrayList<>();
            for (SimNode n : nodes) {
                Map<UUID, String> view = new HashMap<>();
                n.cluster().appState().onRemoteState(String.class, (from, state, join) -> view.put(from.id(), state));
                n.cluster().appState().publish("v1 of " + n.index());
                views.add(view);
            }

            Duration start = net.now();
            assertTrue(net.runUntil(() -> everySees(nodes, views, "v1"), Duration.ofMinutes(10), Duration.ofMillis(100)),
                    "every node holds every other node's v1 state");
            Duration v1 = net.now().minus(start);

            for (SimNode n : nodes) {
                n.cluster().appState().publish("v2 of " + n.index());
            }
            start = net.now();
            assertTrue(net.runUntil(() -> everySees(nodes, views, "v2"), Duration.ofMinutes(10), Duration.ofMillis(100)),
                    "every node holds every other node's v2 state");
            Duration v2 = net.now().minus(start);
            System.out.printf("  [%d nodes, push-pull every %d ms] every state everywhere: v1 %d ms, v2 %d ms virtual%n",
                    NODES, PUSH_PULL.toMillis(), v1.toMillis(), v2.toMillis());
            for (SimNode n : nodes) {
                assertEquals(0, n.cluster().stats().dropped(DropReason.OVERSIZED), n.toString());
            }
            Scenarios.assertNoFailures(net);
        }
    }

    private static boolean everySees(List<SimNode> nodes, List<Map<UUID, String>> views, String version) {
        for (SimNode viewer : nodes) {
            for (SimNode other : nodes) {
                if (viewer != other && !(version + " of " + other.index())
                        .equals(views.get(viewer.index()).get(other.cluster().localNode().id()))) {
                    return false;
                }
            }
        }
        return true;
    }
}
