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
 * One node's receiving thread falls behind (starved of CPU) while its timers keep running on time: the
 * acks to its probes arrive in time but wait unread in its socket past the end of the probe period. It
 * reads what its socket holds before it judges a probe, finds the ack or sees how far behind it is, and
 * raises no suspicion; the others may suspect it (it does answer late), and it refutes.
 */
class ReadLagScenarioTest {

    @Test
    void aNodeThatReadsItsSocketLateRaisesNoSuspicion() {
        try (SimNetwork net = SimNetwork.builder().seed(31).defaultLatency(Duration.ofMillis(5)).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 20, Duration.ofMinutes(1));
            EventWatch watch = new EventWatch(nodes);
            SimNode slow = nodes.get(7);
            long raisedBefore = slow.cluster().stats().suspicionsRaised();
            long lateBefore = slow.cluster().stats().probesLate();
            // 700 ms behind: longer than a probe period (500 ms), so each ack to its probes is read after
            // the period ended; shorter than a suspicion's timeout, so it refutes the others' suspicions.
            slow.readLag(Duration.ofMillis(700));
            net.runFor(Duration.ofSeconds(20));
            slow.readLag(Duration.ZERO);
            net.runFor(Duration.ofSeconds(10));
            long raised = slow.cluster().stats().suspicionsRaised() - raisedBefore;
            long late = slow.cluster().stats().probesLate() - lateBefore;
            System.out.printf("a node reading its socket 700 ms late for 20 s, N=20: %d of its probes judged late,"
                    + " %d suspicions raised by it, %d nodes saw it suspected%n", late, raised,
                    watch.observers(MembershipEvent.Type.SUSPECT, slow.id()));
            assertTrue(late > 0, "its probes were judged late: " + late);
            assertEquals(0, raised, "suspicions raised by the node that reads late");
            assertEquals(List.of(), watch.all(MembershipEvent.Type.DEAD), "nobody was declared dead");
            assertTrue(net.converged());
            Scenarios.assertNoFailures(net);
        }
    }

    @Test
    void aNodeThatReadsItsSocketLateAsksNobodyElseToProbe() {
        try (SimNetwork net = SimNetwork.builder().seed(32).defaultLatency(Duration.ofMillis(5)).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, 20, Duration.ofMinutes(1));
            SimNode slow = nodes.get(4);
            long reqsBefore = slow.cluster().stats().messagesSent(PING_REQ);
            long othersBefore = pingReqsBy(nodes, slow);
            // 300 ms behind: past the probe timeout (250 ms), so the ack to each of its probes is still
            // unread when the timeout fires, and read well before the period ends (500 ms).
            slow.readLag(Duration.ofMillis(300));
            net.runFor(Duration.ofSeconds(20));
            slow.readLag(Duration.ZERO);
            long reqs = slow.cluster().stats().messagesSent(PING_REQ) - reqsBefore;
            long others = pingReqsBy(nodes, slow) - othersBefore;
            System.out.printf("a node reading its socket 300 ms late for 20 s, N=20: %d PING_REQs sent by it,"
                    + " %d by the 19 others%n", reqs, others);
            assertEquals(0, reqs, "PING_REQs sent by the node whose acks waited unread");
            assertEquals(0, slow.cluster().stats().suspicionsRaised(), "suspicions raised by it");
            assertTrue(net.converged());
            Scenarios.assertNoFailures(net);
        }
    }

    private static long pingReqsBy(List<SimNode> nodes, SimNode except) {
        return nodes.stream().filter(n -> n != except).mapToLong(n -> n.cluster().stats().messagesSent(PING_REQ)).sum();
    }

    /** The PING_REQ kind (PROTOCOL.md). */
    private static final int PING_REQ = 0x02;
}
