package io.tamtam.testkit.scenario;

import io.tamtam.MembershipEvent;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partition that outlasts the dead-node retention: each side reaps the other, and yet the cluster merges
 * within seconds of the network healing, because the rejoin loop keeps trying the reaped members' addresses
 * with a backoff capped at {@code rejoinMaxBackoff}.
 */
class LongPartitionScenarioTest {

    @Test
    void aPartitionLongerThanTheReapDelayHealsWithinSecondsOfTheNetworkHealing() {
        try (SimNetwork net = SimNetwork.builder().seed(909).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 10, Duration.ofMinutes(1),
                    b -> b.deadNodeRetention(Duration.ofSeconds(20)));
            EventWatch watch = new EventWatch(nodes);
            List<SimNode> left = nodes.subList(0, 5);
            List<SimNode> right = nodes.subList(5, 10);

            net.partition(left, right);
            assertTrue(net.runUntil(() -> eachSideRemovedTheOther(watch, left, right), Duration.ofMinutes(3)),
                    "each side reaps the other");
            // Three more minutes cut off: far longer than any backoff.
            net.runFor(Duration.ofMinutes(3));
            for (SimNode n : nodes) {
                assertEquals(5, n.cluster().liveMembers().size(), n + " sees only its own side");
                assertEquals(5, n.cluster().members().size(), n + " has reaped the other side");
            }

            net.heal();
            Duration healedAt = net.now();
            assertTrue(net.runUntil(net::converged, Duration.ofSeconds(5), Duration.ofMillis(10)),
                    "every node sees all 10 alive again within 5 virtual seconds of the heal (the issue's bound)");
            System.out.printf("partition 5/5 of 3+ minutes (both sides reaped): merged %d ms after healing (virtual)%n",
                    net.now().minus(healedAt).toMillis());
            Scenarios.assertNoFailures(net);
        }
    }

    private static boolean eachSideRemovedTheOther(EventWatch watch, List<SimNode> a, List<SimNode> b) {
        for (SimNode n : a) {
            if (watch.observers(MembershipEvent.Type.REMOVED, n.id()) < b.size()) {
                return false;
            }
        }
        for (SimNode n : b) {
            if (watch.observers(MembershipEvent.Type.REMOVED, n.id()) < a.size()) {
                return false;
            }
        }
        return true;
    }
}
