package io.tamtam.testkit.scenario;

import io.tamtam.ClusterConfig;
import io.tamtam.MessageType;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steps shared by the scenarios. */
final class Scenarios {

    /** The message type the broadcast scenarios use. */
    static final MessageType<String> USER_TYPE = MessageType.of(200, String.class);

    private Scenarios() {
    }

    /**
     * Adds {@code count} nodes, has every node but the first join through the first, and runs until every
     * node sees every other one alive.
     *
     * @return the nodes, the seed first
     */
    static List<SimNode> startCluster(SimNetwork net, int count, Duration max) {
        return startCluster(net, count, max, b -> { });
    }

    /**
     * As {@link #startCluster(SimNetwork, int, Duration)}, with each node's configuration adjusted.
     *
     * @return the nodes, the seed first
     */
    static List<SimNode> startCluster(SimNetwork net, int count, Duration max, Consumer<ClusterConfig.Builder> customizer) {
        List<SimNode> nodes = net.addNodes(count, customizer);
        SimNode seed = nodes.get(0);
        AtomicInteger joined = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        for (SimNode n : nodes.subList(1, count)) {
            n.cluster().join(seed.address()).whenComplete((node, error) -> {
                if (error == null) {
                    joined.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            });
        }
        assertTrue(net.runUntil(() -> joined.get() + failed.get() == count - 1, max),
                "every join completes within " + max + ": " + joined + " joined, " + failed + " failed");
        assertEquals(0, failed.get(), "failed joins");
        Duration joinedAt = net.now();
        assertTrue(net.runUntil(net::converged, max, Duration.ofMillis(10)),
                "every node sees " + count + " alive within " + max);
        for (SimNode n : nodes) {
            assertEquals(count, n.cluster().liveMembers().size(), n + " sees everyone alive");
        }
        System.out.printf("  [%d nodes] joins completed at %d ms, membership converged at %d ms virtual%n",
                count, joinedAt.toMillis(), net.now().toMillis());
        return nodes;
    }

    /** Fails when a simulated task threw. */
    static void assertNoFailures(SimNetwork net) {
        assertEquals(List.of(), net.failures(), "simulated tasks that threw");
    }
}
