package io.tamtam.testkit.scenario;

import io.tamtam.MessageType;

import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One broadcast reaches all 1,000 nodes. */
class BroadcastScenarioTest {

    @Test
    void broadcastReachesAThousandNodes() {
        try (SimNetwork net = SimNetwork.builder().seed(1001).trace(false).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 1000, Duration.ofMinutes(2));
            BitSet reached = new BitSet(1000);
            int[] duplicates = new int[1];
            int[] wrongPayloads = new int[1];
            for (SimNode n : nodes) {
                n.cluster().handle(Scenarios.USER_TYPE, p -> {
                    if (!"x".equals(p.payload())) {
                        wrongPayloads[0]++;
                    }
                    if (reached.get(n.index())) {
                        duplicates[0]++;
                    }
                    reached.set(n.index());
                });
            }
            SimNode sender = nodes.get(0);
            Duration start = net.now();
            CompletableFuture<Void> queued = sender.cluster().broadcast(Scenarios.USER_TYPE, "x");

            assertTrue(net.runUntil(() -> othersReached(reached, sender) == 999, Duration.ofMinutes(1)),
                    "all 999 other nodes handle the broadcast");
            Duration took = net.now().minus(start);
            Duration gossip = sender.cluster().config().gossipInterval();
            System.out.printf("broadcast to 1000 nodes: %d ms virtual = %.1f gossip rounds of %d ms; "
                    + "%d duplicate deliveries%n", took.toMillis(), (double) took.toNanos() / gossip.toNanos(),
                    gossip.toMillis(), duplicates[0]);
            assertTrue(queued.isDone());
            assertFalse(queued.isCompletedExceptionally());
            assertEquals(0, duplicates[0], "duplicates are suppressed");
            assertEquals(0, wrongPayloads[0], "payloads decoded as sent");
            Scenarios.assertNoFailures(net);
        }
    }

    private static int othersReached(BitSet reached, SimNode sender) {
        return reached.cardinality() - (reached.get(sender.index()) ? 1 : 0);
    }
}
