package io.tamtam.testkit.scenario;

import io.tamtam.MembershipEvent;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A graceful leave is seen as LEFT, never DEAD, by every other node. */
class LeaveScenarioTest {

    @Test
    void everyNodeSeesAGracefulLeave() {
        try (SimNetwork net = SimNetwork.builder().seed(55).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 50, Duration.ofMinutes(1));
            EventWatch watch = new EventWatch(nodes);
            SimNode leaver = nodes.get(33);
            Duration start = net.now();

            CompletableFuture<Void> leave = leaver.cluster().leave(Duration.ofSeconds(5));
            assertTrue(net.runUntil(leave::isDone, Duration.ofSeconds(10)), "leave completes in virtual time");
            assertFalse(leave.isCompletedExceptionally(), "leave never fails");
            Duration leaveTook = net.now().minus(start);
            leaver.cluster().close();

            assertTrue(net.runUntil(() -> watch.observers(MembershipEvent.Type.LEFT, leaver.id()) == 49,
                    Duration.ofSeconds(30)), "all 49 others see the node LEFT");
            System.out.printf("graceful leave (N=50): leave() completed after %d ms, all saw LEFT after %d ms "
                    + "virtual%n", leaveTook.toMillis(), net.now().minus(start).toMillis());
            assertEquals(0, watch.observers(MembershipEvent.Type.DEAD, leaver.id()), "a leave is not a death");
            assertTrue(net.converged(), "the others see the 49 remaining nodes alive");
            Scenarios.assertNoFailures(net);
        }
    }
}
