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
 * Every node of a JVM stalls at once (a collector pause): the probes in flight then miss their acks only
 * because their checks run late, and a node that checks late raises no suspicion.
 */
class PauseScenarioTest {

    @Test
    void probesCheckedLateAfterAPauseOfEveryNodeRaiseNoSuspicion() {
        try (SimNetwork net = SimNetwork.builder().seed(23).defaultLatency(Duration.ofMillis(40)).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 20, Duration.ofMinutes(1));
            EventWatch watch = new EventWatch(nodes);
            long raisedBefore = nodes.stream().mapToLong(x -> x.cluster().stats().suspicionsRaised()).sum();
            // Pauses at many phases of the probe periods, so that some catch a ping not yet delivered (40 ms
            // one way): its ack comes only after the held end-of-period check ran.
            for (int i = 0; i < 60; i++) {
                net.runFor(Duration.ofMillis(97 + i % 7));
                nodes.forEach(SimNode::pause);
                net.runFor(Duration.ofMillis(800));
                nodes.forEach(SimNode::resume);
            }
            net.runFor(Duration.ofSeconds(10));
            long late = nodes.stream().mapToLong(x -> x.cluster().stats().probesLate()).sum();
            long raised = nodes.stream().mapToLong(x -> x.cluster().stats().suspicionsRaised()).sum() - raisedBefore;
            System.out.printf("60 pauses of every node (800 ms), N=20: %d probes checked late, %d suspicions raised%n",
                    late, raised);
            assertTrue(late > 0, "probes checked late: " + late);
            assertEquals(0, raised, "suspicions raised");
            assertEquals(List.of(), watch.all(MembershipEvent.Type.SUSPECT), "nobody is suspected");
            assertTrue(net.converged());
            Scenarios.assertNoFailures(net);
        }
    }
}
