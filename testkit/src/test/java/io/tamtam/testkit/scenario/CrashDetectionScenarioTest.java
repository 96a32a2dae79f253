package io.tamtam.testkit.scenario;

import io.tamtam.MembershipEvent;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A crashed node is declared DEAD by every other node. */
class CrashDetectionScenarioTest {

    @Test
    void everyNodeDeclaresACrashedNodeDead() {
        try (SimNetwork net = SimNetwork.builder().seed(50).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 50, Duration.ofMinutes(1));
            EventWatch watch = new EventWatch(nodes);
            SimNode victim = nodes.get(17);
            Duration crashedAt = net.now();
            victim.crash();

            assertTrue(net.runUntil(() -> watch.observers(MembershipEvent.Type.DEAD, victim.id()) == 49,
                    Duration.ofMinutes(2)), "all 49 others declare the crashed node dead");
            Duration took = net.now().minus(crashedAt);
            System.out.printf("crash detection (N=50): every node saw DEAD after %d ms virtual "
                    + "(%d nodes suspected it first)%n", took.toMillis(),
                    watch.observers(MembershipEvent.Type.SUSPECT, victim.id()));
            for (SimNode n : nodes) {
                if (n != victim) {
                    assertEquals(49, n.cluster().liveMembers().size(), n + " no longer counts the dead node");
                }
            }
            Scenarios.assertNoFailures(net);
        }
    }
}
