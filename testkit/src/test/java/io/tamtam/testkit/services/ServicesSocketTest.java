package io.tamtam.testkit.services;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.NodeState;
import io.tamtam.Subscription;
import io.tamtam.services.Delivery;
import io.tamtam.services.Policy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.tamtam.testkit.services.ServicesSimulationTest.str;
import static io.tamtam.testkit.services.ServicesSimulationTest.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Services on real sockets (loopback): registry, the three policies, group, and cached delivery. */
class ServicesSocketTest {
    private final List<Cluster> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        nodes.forEach(Cluster::close);
    }

    Cluster start() throws Exception {
        Cluster c = Cluster.create(ClusterConfig.local().build());
        nodes.add(c);
        if (nodes.size() > 1) {
            c.join(nodes.get(0).localNode().address()).get(20, TimeUnit.SECONDS);
        }
        return c;
    }

    @Test
    void aClientReachesServicesWhereverTheyRunAndHeldMessagesFollowARestart() throws Exception {
        Cluster client = start();
        Cluster b1 = start();
        Cluster b2 = start();
        Cluster spare = start();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.memberCount(NodeState.ALIVE) == 4);
        b1.services().register("billing", m -> utf8("b1:" + str(m.payload())));
        b2.services().register("billing", m -> utf8("b2:" + str(m.payload())));
        await().atMost(Duration.ofSeconds(30)).until(() -> client.services().instances("billing").size() == 2);

        Set<String> rr = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            rr.add(str(client.services().request("billing", utf8("q"), Delivery.DEFAULT.policy(Policy.ROUND_ROBIN))
                    .get(20, TimeUnit.SECONDS)));
        }
        assertEquals(Set.of("b1:q", "b2:q"), rr);
        Set<String> hashed = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            hashed.add(str(client.services().request("billing", utf8("q"), Delivery.DEFAULT.hashing("k7")).get(20, TimeUnit.SECONDS)));
        }
        assertEquals(1, hashed.size());
        assertEquals(2, client.services().sendToGroup("billing", utf8("g")).get(20, TimeUnit.SECONDS));

        // the only "audit" instance goes away; messages sent meanwhile are held and delivered in order on its return
        List<String> got = new CopyOnWriteArrayList<>();
        Subscription audit = spare.services().register("audit", m -> {
            got.add(str(m.payload()));
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> client.services().instances("audit").size() == 1);
        audit.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.services().instances("audit").isEmpty());
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(client.services().sendReliable("audit", utf8("m" + i), Delivery.DEFAULT.cacheFor(Duration.ofMinutes(2))));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> client.services().cachedMessages() == 10);
        assertTrue(sent.stream().noneMatch(CompletableFuture::isDone));
        long t0 = System.nanoTime();
        spare.services().register("audit", m -> {
            got.add(str(m.payload()));
            return null;
        });
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        System.out.printf("real sockets: 10 held messages handled %d ms after the instance re-registered%n",
                (System.nanoTime() - t0) / 1_000_000);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            expected.add("m" + i);
        }
        assertEquals(expected, got);
    }
}
