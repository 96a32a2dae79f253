package io.tamtam.testkit.api;

import io.tamtam.MembershipEvent;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A network that drops every datagram does not make nodes look dead: probes fall back to the stream path. */
class DatagramLossTest {

    @Test
    void noNodeIsDeclaredDeadWhenEveryDatagramIsLost() {
        try (SimNetwork net = SimNetwork.builder().seed(12).build()) {
            List<SimNode> nodes = net.addNodes(8);
            for (SimNode n : nodes.subList(1, 8)) {
                n.cluster().join(nodes.get(0).address());
            }
            assertTrue(net.runUntil(net::converged, Duration.ofSeconds(30)));
            AtomicInteger dead = new AtomicInteger();
            for (SimNode n : nodes) {
                n.cluster().addMembershipListener(e -> {
                    if (e.type() == MembershipEvent.Type.DEAD) {
                        dead.incrementAndGet();
                    }
                });
            }
            net.setLoss(1.0);
            net.runFor(Duration.ofMinutes(2));
            System.out.println("every datagram lost for 2 virtual minutes, N=8: " + dead.get() + " DEAD events");
            assertEquals(0, dead.get());
            assertTrue(nodes.stream().allMatch(n -> n.cluster().liveMembers().size() == 8));
        }
    }
}
