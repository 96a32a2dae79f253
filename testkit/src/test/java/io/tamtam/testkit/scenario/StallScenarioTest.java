package io.tamtam.testkit.scenario;

import io.tamtam.MembershipEvent;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node stalled for twice the probe timeout is not declared dead, and nobody else suffers. */
class StallScenarioTest {

    @Test
    void aShortStallIsNotADeath() {
        try (SimNetwork net = SimNetwork.builder().seed(20).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 20, Duration.ofMinutes(1));
            EventWatch watch = new EventWatch(nodes);
            SimNode stalled = nodes.get(5);
            Duration stall = stalled.cluster().config().probeTimeout().multipliedBy(2);

            stalled.pause();
            net.runFor(stall);
            stalled.resume();
            net.runFor(Duration.ofSeconds(30));

            System.out.printf("stall of %d ms (twice the probe timeout), N=20: %d SUSPECT of the stalled node, "
                    + "%d DEAD events in total%n", stall.toMillis(),
                    watch.observers(MembershipEvent.Type.SUSPECT, stalled.id()),
                    watch.all(MembershipEvent.Type.DEAD).size());
            assertEquals(0, watch.observers(MembershipEvent.Type.DEAD, stalled.id()), "stalled node declared dead");
            assertEquals(List.of(), watch.all(MembershipEvent.Type.DEAD), "nobody is declared dead");
            assertEquals(List.of(), watch.all(MembershipEvent.Type.LEFT), "nobody is declared left");
            assertTrue(net.converged(), "every node sees all 20 alive");
            Scenarios.assertNoFailures(net);
        }
    }
}
