package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DeliveryException;
import io.tamtam.internal.wire.WireFormat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cluster.ping: one probe through the failure detector's path, on real sockets. */
class PingClusterTest {
    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void aLiveMemberAnswersWithItsRoundTrip() throws Exception {
        List<Cluster> all = nodes.cluster(2, ClusterConfig.local());
        Cluster a = all.get(0);
        Cluster b = all.get(1);
        long pingsBefore = a.stats().messagesSent(WireFormat.PING);
        long acksBefore = b.stats().messagesSent(WireFormat.ACK);
        Duration rtt = a.ping(b.localNode(), Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS);
        assertFalse(rtt.isNegative() || rtt.isZero(), rtt::toString);
        assertTrue(rtt.compareTo(Duration.ofSeconds(10)) <= 0, rtt::toString);
        // it went as a PING and came back as an ACK, the probe path's own messages
        assertTrue(a.stats().messagesSent(WireFormat.PING) > pingsBefore);
        assertTrue(b.stats().messagesSent(WireFormat.ACK) > acksBefore);
    }

    @Test
    void thisNodeAStoppedNodeAndABadTimeoutAreRefused() throws Exception {
        List<Cluster> all = nodes.cluster(2, ClusterConfig.local());
        Cluster a = all.get(0);
        Cluster b = all.get(1);
        CompletionException self = assertThrows(CompletionException.class,
                () -> a.ping(a.localNode(), Duration.ofSeconds(1)).join());
        assertInstanceOf(DeliveryException.class, self.getCause());
        assertTrue(self.getCause().getMessage().contains("this node"), self.getCause().getMessage());

        assertThrows(IllegalArgumentException.class, () -> a.ping(b.localNode(), Duration.ZERO));

        // A stopped node does not answer: the ping fails (no answer, or not a live member once declared dead).
        b.close();
        CompletionException gone = assertThrows(CompletionException.class,
                () -> a.ping(b.localNode(), Duration.ofMillis(300)).join());
        assertInstanceOf(DeliveryException.class, gone.getCause());
    }
}
