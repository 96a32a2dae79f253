package io.tamtam.testkit.scenario;

import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** 1,000 nodes join through one seed and every node sees all 1,000 alive. */
class JoinScenarioTest {

    @Test
    void thousandNodesJoinThroughOneSeed() {
        long wall = System.nanoTime();
        try (SimNetwork net = SimNetwork.builder().seed(1000).trace(false).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 1000, Duration.ofMinutes(2));
            for (SimNode n : nodes) {
                assertEquals(1000, n.cluster().liveMembers().size());
            }
            System.out.printf("join 1000: converged in %d ms virtual (%.1f s wall), %d messages sent%n",
                    net.now().toMillis(), (System.nanoTime() - wall) / 1e9, net.counters().messagesSent());
            Scenarios.assertNoFailures(net);
        }
    }
}
