package io.tamtam.testkit.scenario;

import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broadcast's origin pushes it to twice {@code eagerPushFanout} members at once, before any gossip round. */
class EagerPushScenarioTest {
    /** The BROADCAST message kind. */
    private static final int BROADCAST = 0x08;

    @Test
    void originPushesToTwiceTheFanoutAtOnce() {
        try (SimNetwork net = SimNetwork.builder().seed(71).build()) {
            // Gossip rounds and probes far apart: within the window below only eager pushes carry it.
            List<SimNode> nodes = Scenarios.startCluster(net, 20, Duration.ofSeconds(30), b -> b
                    .eagerPushFanout(2).gossipInterval(Duration.ofSeconds(20))
                    .probeInterval(Duration.ofSeconds(20)).probeTimeout(Duration.ofSeconds(5))
                    .rejoinMaxBackoff(Duration.ofMinutes(2)));
            SimNode origin = nodes.get(3);
            long before = origin.cluster().stats().messagesSent(BROADCAST);
            CompletableFuture<Void> queued = origin.cluster().broadcast(Scenarios.USER_TYPE, "x");
            net.runFor(Duration.ofMillis(50));
            assertTrue(queued.isDone());
            assertEquals(4, origin.cluster().stats().messagesSent(BROADCAST) - before,
                    "BROADCAST messages the origin sent within 50 ms");
            Scenarios.assertNoFailures(net);
        }
    }
}
