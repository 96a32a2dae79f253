package io.tamtam.testkit.services;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.NodeState;
import io.tamtam.routing.Gateway;
import io.tamtam.services.Delivery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.tamtam.testkit.services.ServicesSimulationTest.str;
import static io.tamtam.testkit.services.ServicesSimulationTest.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Clusters A, B and C on loopback, never joined to each other, linked by gateways that each run one
 * node in two clusters in this JVM: a request from A reaches a service in C, and fails over to the second
 * B-C gateway when the first closes.
 */
class RoutingSocketTest {
    private final List<Cluster> nodes = new ArrayList<>();
    private final List<Gateway> gateways = new ArrayList<>();

    @AfterEach
    void close() {
        gateways.forEach(Gateway::close);
        nodes.forEach(Cluster::close);
    }

    private List<Cluster> cluster(int size) throws Exception {
        List<Cluster> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Cluster c = Cluster.create(ClusterConfig.local().build());
            nodes.add(c);
            out.add(c);
            if (i > 0) {
                c.join(out.get(0).localNode().address()).get(20, TimeUnit.SECONDS);
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> out.stream().allMatch(c -> c.memberCount(NodeState.ALIVE) == size));
        return out;
    }

    @Test
    void aRequestIsRoutedAcrossTwoGatewaysAndFailsOver() throws Exception {
        List<Cluster> a = cluster(2);
        List<Cluster> b = cluster(3);
        List<Cluster> c = cluster(3);
        gateways.add(Gateway.link("ab", Map.of("A", a.get(0), "B", b.get(0))));
        Gateway bc1 = Gateway.link("bc1", Map.of("B", b.get(1), "C", c.get(0)));
        gateways.add(bc1);
        gateways.add(Gateway.link("bc2", Map.of("B", b.get(2), "C", c.get(1))));
        c.get(2).services().register("billing", m -> utf8("billed " + str(m.payload())));

        Cluster client = a.get(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.get(0).services().routes("billing").size() == 2
                && !client.services().routes("billing").isEmpty());
        long t0 = System.nanoTime();
        assertEquals("billed 1", str(client.services().request("billing", utf8("1"), Delivery.DEFAULT).get(30, TimeUnit.SECONDS)));
        System.out.printf("real sockets: request routed across two gateways answered in %.1f ms%n", (System.nanoTime() - t0) / 1e6);

        bc1.close();
        b.get(1).close();
        c.get(0).close();
        await().atMost(Duration.ofSeconds(60)).until(() -> b.get(0).services().routes("billing").keySet()
                .equals(Set.of(b.get(2).localNode().id())));
        assertEquals("billed 2", str(client.services().request("billing", utf8("2"), Delivery.DEFAULT).get(30, TimeUnit.SECONDS)));
    }
}
