package io.tamtam.testkit.services;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.NodeState;
import io.tamtam.query.QueryListener;
import io.tamtam.query.QueryOptions;
import io.tamtam.query.QueryResponse;
import io.tamtam.query.QuerySummary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.tamtam.testkit.services.ServicesSimulationTest.str;
import static io.tamtam.testkit.services.ServicesSimulationTest.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Queries on real sockets: answers, filters, relays, oversized answers, misuse. */
class QuerySocketTest {
    private final List<Cluster> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        nodes.forEach(Cluster::close);
    }

    @Test
    void queriesOverLoopback() throws Exception {
        for (int i = 0; i < 5; i++) {
            Cluster c = Cluster.create(ClusterConfig.local().build());
            nodes.add(c);
            c.setMetadata("zone", i < 3 ? "eu-1" : "us-1");
            int me = i;
            c.handleQuery("whoami", q -> me == 4 ? new byte[5000] : utf8("node" + me + ":" + str(q.payload())));
            if (i > 0) {
                c.join(nodes.get(0).localNode().address()).get(20, TimeUnit.SECONDS);
            }
        }
        Cluster asker = nodes.get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream().allMatch(c -> c.memberCount(NodeState.ALIVE) == 5));

        List<UUID> streamed = new CopyOnWriteArrayList<>();
        QuerySummary eu = asker.query("whoami", utf8("hi"), QueryOptions.DEFAULT.tag("zone", "eu-.*").timeout(Duration.ofSeconds(20)),
                listener(response -> streamed.add(response.from()))).get(60, TimeUnit.SECONDS);
        Set<UUID> euIds = nodes.subList(0, 3).stream().map(c -> c.localNode().id()).collect(Collectors.toSet());
        assertEquals(euIds, eu.responses().keySet());
        assertEquals(euIds, eu.acked());
        assertEquals("node1:hi", str(eu.responses().get(nodes.get(1).localNode().id())));
        assertEquals(Set.copyOf(streamed), euIds);

        QuerySummary all = asker.query("whoami", utf8("x"), QueryOptions.DEFAULT.relayFactor(1).timeout(Duration.ofSeconds(3)))
                .get(60, TimeUnit.SECONDS);
        assertEquals(4, all.responses().size(), "node 4's 5000-byte answer exceeds the 1 KiB limit and is not sent");
        assertEquals(Set.of(nodes.get(4).localNode().id()), all.missing());
        assertEquals(5, all.acked().size());
        assertTrue(all.duplicates() > 0, "answers relayed through another member are suppressed: " + all);

        assertThrows(IllegalArgumentException.class, () -> QueryOptions.DEFAULT.relayFactor(9));
        assertThrows(IllegalStateException.class, () -> asker.handleQuery("whoami", q -> null));
    }

    static QueryListener listener(java.util.function.Consumer<QueryResponse> r) {
        return r::accept;
    }
}
