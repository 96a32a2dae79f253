package io.tamtam.testkit.scenario;

import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same seed and steps replay the same run, event for event; another seed does not. */
class DeterminismScenarioTest {

    @Test
    void sameSeedSameTrace() {
        List<String> first = run(77);
        List<String> second = run(77);
        List<String> other = run(78);
        System.out.printf("determinism: %d trace lines, identical for the same seed; %d lines with another "
                + "seed%n", first.size(), other.size());
        assertTrue(first.stream().anyMatch(l -> l.contains(" DEAD ")), "the trace records the crash");
        assertEquals(first, second);
        assertNotEquals(first, other);
    }

    private static List<String> run(long seed) {
        try (SimNetwork net = SimNetwork.builder().seed(seed).loss(0.01).jitter(Duration.ofMillis(2)).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 30, Duration.ofMinutes(1));
            nodes.get(11).crash();
            assertTrue(net.runUntil(net::converged, Duration.ofMinutes(2)), "the others agree on 29 alive");
            net.runFor(Duration.ofSeconds(5));
            Scenarios.assertNoFailures(net);
            return net.trace();
        }
    }
}
