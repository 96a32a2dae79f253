package io.tamtam.testkit.scenario;

import io.tamtam.MembershipEvent;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** No live node is declared DEAD or LEFT over 10 virtual minutes with 5 % loss on every link. */
class LossScenarioTest {

    @Test
    void noFalsePositivesUnderFivePercentLoss() {
        long wall = System.nanoTime();
        try (SimNetwork net = SimNetwork.builder().seed(100).trace(false).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 100, Duration.ofMinutes(1));
            EventWatch watch = new EventWatch(nodes);
            net.setLoss(0.05);

            net.runFor(Duration.ofMinutes(10));

            List<EventWatch.Seen> dead = watch.all(MembershipEvent.Type.DEAD);
            List<EventWatch.Seen> left = watch.all(MembershipEvent.Type.LEFT);
            System.out.printf("5%% loss, N=100, 10 min virtual (%.1f s wall): %d SUSPECT, %d DEAD, %d LEFT; "
                    + "%d datagrams dropped%n", (System.nanoTime() - wall) / 1e9,
                    watch.all(MembershipEvent.Type.SUSPECT).size(), dead.size(), left.size(),
                    net.counters().datagramsDropped());
            assertEquals(List.of(), dead, "false DEAD declarations");
            assertEquals(List.of(), left, "false LEFT declarations");
            for (SimNode n : nodes) {
                assertEquals(100, n.cluster().liveMembers().size(), n + " still sees everyone");
            }
            Scenarios.assertNoFailures(net);
        }
    }
}
