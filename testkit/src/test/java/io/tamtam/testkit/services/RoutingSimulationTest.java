package io.tamtam.testkit.services;

import io.tamtam.Cluster;
import io.tamtam.DeliveryException;
import io.tamtam.NodeState;
import io.tamtam.routing.Gateway;
import io.tamtam.services.Delivery;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static io.tamtam.testkit.services.ServicesSimulationTest.str;
import static io.tamtam.testkit.services.ServicesSimulationTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three linked clusters of 100 simulated nodes, A-B-C, where A and C share no network: a service in C
 * answers a request from A across two gateways, and a second B-C gateway takes over when the first fails.
 */
class RoutingSimulationTest {

    static void form(SimNetwork net, List<SimNode> cluster) {
        for (SimNode n : cluster.subList(1, cluster.size())) {
            n.cluster().join(cluster.get(0).address());
        }
        Sim.until(net, () -> cluster.stream().allMatch(n -> n.cluster().memberCount(NodeState.ALIVE) == cluster.size()),
                "a cluster of " + cluster.size() + " forms");
    }

    @Test
    void aRequestFromACrossesTwoGatewaysToCAndFailsOverToASecondGateway() {
        try (SimNetwork net = SimNetwork.builder().seed(41).trace(false).build()) {
            List<SimNode> a = net.addNodes(100);
            List<SimNode> b = net.addNodes(100);
            List<SimNode> c = net.addNodes(100);
            net.partition(a, c);
            form(net, a);
            form(net, b);
            form(net, c);
            Gateway ab = Gateway.link("ab", Map.of("A", a.get(0).cluster(), "B", b.get(0).cluster()));
            Gateway bc1 = Gateway.link("bc1", Map.of("B", b.get(1).cluster(), "C", c.get(0).cluster()));
            Gateway bc2 = Gateway.link("bc2", Map.of("B", b.get(2).cluster(), "C", c.get(1).cluster()));
            c.get(50).cluster().services().register("billing", m -> utf8("billed " + str(m.payload())));

            Cluster client = a.get(10).cluster();
            Sim.until(net, () -> !client.services().routes("billing").isEmpty(), "the route to billing reaches A");
            assertEquals(Map.of(a.get(0).id(), 2), client.services().routes("billing"), "A reaches billing in 2 gateway hops");
            assertEquals(Map.of("billing", List.of("C")), bc1.advertised(b.get(1).cluster()));
            assertEquals(Map.of(), bc1.advertised(c.get(0).cluster()), "nothing is advertised back to the cluster it comes from");
            Sim.until(net, () -> b.get(0).cluster().services().routes("billing").size() == 2, "B learns both B-C gateways");

            Duration start = net.now();
            byte[] reply = Sim.await(net, client.services().request("billing", utf8("a10"), Delivery.DEFAULT));
            Duration took = net.now().minus(start);
            assertEquals("billed a10", str(reply));
            System.out.printf("routed request A -> gateway ab -> gateway bc -> C answered in %d ms virtual (1 ms links)%n",
                    took.toMillis());

            // reliable and best-effort messages take the same routes
            Sim.await(net, client.services().sendReliable("billing", utf8("r"), Delivery.DEFAULT));

            // the gateway B-C in use fails: the other one takes over
            b.get(1).crash();
            c.get(0).crash();
            bc1.close();
            Sim.until(net, () -> b.get(0).cluster().services().routes("billing").keySet().equals(Set.of(b.get(2).id())),
                    "B forgets the failed gateway's routes");
            assertEquals("billed again", str(Sim.await(net, client.services().request("billing", utf8("again"), Delivery.DEFAULT))));

            // no route: the service vanishes everywhere, routes are withdrawn, sends fail with the reason
            c.get(50).cluster().close();
            Sim.until(net, () -> client.services().routes("billing").isEmpty(), "routes are withdrawn along the chain");
            CompletableFuture<byte[]> none = client.services().request("billing", utf8("x"), Delivery.DEFAULT);
            CompletionException e = assertThrows(CompletionException.class, () -> Sim.await(net, none));
            assertInstanceOf(DeliveryException.class, e.getCause());
            ab.close();
            bc2.close();
            assertTrue(a.get(0).cluster().services().routes("billing").isEmpty());
        }
    }
}
