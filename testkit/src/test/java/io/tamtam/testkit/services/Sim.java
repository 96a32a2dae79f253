package io.tamtam.testkit.services;

import io.tamtam.ClusterConfig;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Simulator steps the service tests share. */
final class Sim {
    private Sim() {
    }

    /** Starts {@code count} nodes joined through the first, and runs until every node sees every other one. */
    static List<SimNode> cluster(SimNetwork net, int count, Consumer<ClusterConfig.Builder> customizer) {
        return cluster(net, count, customizer, n -> { });
    }

    /** As {@link #cluster(SimNetwork, int, Consumer)}, with {@code beforeJoin} run on each node first. */
    static List<SimNode> cluster(SimNetwork net, int count, Consumer<ClusterConfig.Builder> customizer, Consumer<SimNode> beforeJoin) {
        List<SimNode> nodes = net.addNodes(count, customizer);
        nodes.forEach(beforeJoin);
        for (SimNode n : nodes.subList(1, count)) {
            n.cluster().join(nodes.get(0).address());
        }
        assertTrue(net.runUntil(net::converged, Duration.ofMinutes(3), Duration.ofMillis(10)),
                "every node sees " + count + " alive");
        return nodes;
    }

    /** Runs the simulation until the future is done (at most a virtual minute) and returns its value. */
    static <T> T await(SimNetwork net, CompletableFuture<T> f) {
        assertTrue(net.runUntil(f::isDone, Duration.ofMinutes(1)), "the future completes");
        return f.join();
    }

    /** Runs the simulation until the condition holds (at most two virtual minutes). */
    static void until(SimNetwork net, java.util.function.BooleanSupplier condition, String what) {
        assertTrue(net.runUntil(condition, Duration.ofMinutes(2)), what);
    }
}
