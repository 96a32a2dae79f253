package io.tamtam.testkit.scenario;

import io.tamtam.MembershipEvent;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 50/50 partition: each side declares the other dead; after healing, the membership merges again. */
class PartitionScenarioTest {

    @Test
    void splitBrainHealsIntoOneCluster() {
        try (SimNetwork net = SimNetwork.builder().seed(2020).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 20, Duration.ofMinutes(1));
            EventWatch watch = new EventWatch(nodes);
            List<SimNode> left = nodes.subList(0, 10);
            List<SimNode> right = nodes.subList(10, 20);
            Duration start = net.now();

            net.partition(left, right);
            assertTrue(net.runUntil(() -> eachSideSeesTheOtherDead(watch, left, right), Duration.ofMinutes(2)),
                    "each side declares the other dead");
            Duration split = net.now().minus(start);
            for (SimNode n : nodes) {
                assertEquals(10, n.cluster().liveMembers().size(), n + " sees only its own side");
            }

            net.heal();
            Duration healedAt = net.now();
            assertTrue(net.runUntil(net::converged, Duration.ofMinutes(3), Duration.ofMillis(10)),
                    "every node sees all 20 alive again within 3 virtual minutes");
            Duration merge = net.now().minus(healedAt);
            System.out.printf("partition 10/10: sides declared each other dead after %d ms, merged %d ms after "
                    + "healing (virtual)%n", split.toMillis(), merge.toMillis());
            for (SimNode n : nodes) {
                assertEquals(20, n.cluster().liveMembers().size(), n + " sees everyone again");
            }
            Scenarios.assertNoFailures(net);
        }
    }

    private static boolean eachSideSeesTheOtherDead(EventWatch watch, List<SimNode> a, List<SimNode> b) {
        for (SimNode n : a) {
            if (watch.observers(MembershipEvent.Type.DEAD, n.id()) < b.size()) {
                return false;
            }
        }
        for (SimNode n : b) {
            if (watch.observers(MembershipEvent.Type.DEAD, n.id()) < a.size()) {
                return false;
            }
        }
        return true;
    }
}
