package io.tamtam.testkit;

import io.tamtam.DropReason;
import io.tamtam.spi.TransportOptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimDatagramTransportTest {

    @Test
    void deliversAfterTheLatencyOnTheReceiversView() {
        SimNetwork net = SimNetwork.builder().defaultLatency(Duration.ofMillis(5)).build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        net.link(a.node, b.node).latency(Duration.ofMillis(40));

        a.send(b, "slow");
        b.send(a, "fast");
        net.runFor(Duration.ofMillis(100));

        assertEquals(List.of("40 slow"), b.receivedDatagrams);
        assertEquals(List.of("5 fast"), a.receivedDatagrams);
        assertEquals(1, a.node.counters().datagramsSent());
        assertEquals(4, a.node.counters().bytesSent());
        assertEquals(1, b.node.counters().datagramsReceived());
        assertEquals(4, b.node.counters().bytesReceived());
        assertEquals(2, net.counters().datagramsSent());
    }

    @Test
    void copiesTheBytesAndLeavesTheBufferAlone() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        ByteBuffer buf = Endpoint.bytes("original");
        a.datagrams.send(b.node.address(), buf);
        assertEquals(0, buf.position());
        buf.put(0, (byte) 'X');
        net.runFor(Duration.ofMillis(2));
        assertEquals(List.of("1 original"), b.receivedDatagrams);
    }

    @Test
    void lossFollowsTheConfiguredRateAndTheSeed() {
        int lost = lossRun(42);
        assertTrue(Math.abs(lost - 2000) <= 200, "lost " + lost + " of 10000 at 20 %");
        assertEquals(lost, lossRun(42), "same seed, same losses");
        assertNotEquals(lost, lossRun(43), "another seed, other losses");
    }

    private static int lossRun(long seed) {
        SimNetwork net = SimNetwork.builder().seed(seed).loss(0.2).build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        for (int i = 0; i < 10_000; i++) {
            a.send(b, "p");
        }
        net.runFor(Duration.ofMillis(10));
        assertEquals(10_000 - b.receivedDatagrams.size(), a.node.counters().datagramsDropped());
        return 10_000 - b.receivedDatagrams.size();
    }

    @Test
    void perLinkLossOverridesTheDefaultUntilSetLoss() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        net.link(a.node, b.node).drop();
        a.send(b, "lost");
        b.send(a, "fine");
        net.runFor(Duration.ofMillis(5));
        assertEquals(List.of(), b.receivedDatagrams);
        assertEquals(1, a.receivedDatagrams.size());

        net.setLoss(0);
        a.send(b, "back");
        net.runFor(Duration.ofMillis(5));
        assertEquals(1, b.receivedDatagrams.size());
    }

    @Test
    void jitterSpreadsDeliveryWithinItsBound() {
        SimNetwork net = SimNetwork.builder().defaultLatency(Duration.ofMillis(10))
                .jitter(Duration.ofMillis(20)).build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        for (int i = 0; i < 200; i++) {
            a.send(b, "j");
        }
        net.runFor(Duration.ofMillis(100));
        assertEquals(200, b.receivedDatagrams.size());
        long distinct = b.receivedDatagrams.stream().distinct().count();
        assertTrue(distinct > 5, "arrival times spread: " + distinct + " distinct ms");
        for (String r : b.receivedDatagrams) {
            long ms = Long.parseLong(r.split(" ")[0]);
            assertTrue(ms >= 10 && ms < 30, r);
        }
    }

    @Test
    void oneWayPartitionCutsOneDirectionOnly() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        net.partitionOneWay(a.node, b.node);
        a.send(b, "cut");
        b.send(a, "through");
        net.runFor(Duration.ofMillis(5));
        assertEquals(List.of(), b.receivedDatagrams);
        assertEquals(List.of("1 through"), a.receivedDatagrams);

        net.heal();
        a.send(b, "healed");
        net.runFor(Duration.ofMillis(5));
        assertEquals(List.of("6 healed"), b.receivedDatagrams);
    }

    @Test
    void twoWayPartitionCutsBothDirectionsButNotWithinASide() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a1 = Endpoint.create(net);
        Endpoint a2 = Endpoint.create(net);
        Endpoint b1 = Endpoint.create(net);
        net.partition(List.of(a1.node, a2.node), List.of(b1.node));
        a1.send(b1, "x");
        b1.send(a2, "y");
        a1.send(a2, "same side");
        net.runFor(Duration.ofMillis(5));
        assertEquals(List.of(), b1.receivedDatagrams);
        assertEquals(List.of("1 same side"), a2.receivedDatagrams);
        assertEquals(1, b1.node.counters().datagramsDropped());
    }

    @Test
    void oversizedDatagramsAreNotSent() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        a.datagrams.send(b.node.address(), ByteBuffer.allocate(1401));
        a.datagrams.send(b.node.address(), ByteBuffer.allocate(1400));
        net.runFor(Duration.ofMillis(5));
        assertEquals(1, b.receivedDatagrams.size());
        assertEquals(1, a.node.counters().datagramsDropped());
    }

    @Test
    void aDatagramOverTheReceiversLimitIsReportedAsOversized() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net, new TransportOptions(2000, 64 * 1024, Duration.ofSeconds(3),
                Duration.ofSeconds(15), Duration.ofSeconds(10)));
        Endpoint b = Endpoint.create(net);
        a.datagrams.send(b.node.address(), ByteBuffer.allocate(1401));
        a.datagrams.send(b.node.address(), ByteBuffer.allocate(1400));
        net.runFor(Duration.ofMillis(5));
        assertEquals(1, b.receivedDatagrams.size());
        assertEquals(List.of(DropReason.OVERSIZED), b.dropped);
    }

    @Test
    void pausedReceiverGetsDatagramsLateAndCrashedOneNever() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        Endpoint c = Endpoint.create(net);
        b.node.pause();
        a.send(b, "one");
        a.send(b, "two");
        a.send(c, "to c");
        net.runFor(Duration.ofMillis(50));
        assertEquals(List.of(), b.receivedDatagrams);
        b.node.resume();
        net.runFor(Duration.ofMillis(1));
        assertEquals(List.of("50 one", "50 two"), b.receivedDatagrams);

        a.send(c, "in flight");
        c.node.crash();
        a.send(c, "after");
        c.send(a, "from the dead");
        net.runFor(Duration.ofMillis(10));
        assertEquals(List.of("1 to c"), c.receivedDatagrams);
        assertEquals(List.of(), a.receivedDatagrams);
        assertTrue(c.node.isCrashed());
    }

    @Test
    void closedTransportNeitherSendsNorReceives() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        a.send(b, "in flight");
        b.datagrams.close();
        a.send(b, "x");
        b.send(a, "y");
        net.runFor(Duration.ofMillis(5));
        assertEquals(List.of(), b.receivedDatagrams);
        assertEquals(List.of(), a.receivedDatagrams);
        assertTrue(!b.node.isUp() && a.node.isUp());
    }

    @Test
    void nodesGetDistinctLoopbackAddressesAndVersion7Ids() {
        SimNetwork net = SimNetwork.builder().build();
        SimNode first = net.addBareNode();
        SimNode second = net.addBareNode();
        assertEquals("/127.0.0.2:7946", first.address().toString());
        assertEquals("/127.0.0.3:7946", second.address().toString());
        UUID id = first.id();
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertNotEquals(first.id(), second.id());
        assertEquals(first.id(), SimNetwork.builder().build().addBareNode().id(), "ids derive from the seed");
    }
}
