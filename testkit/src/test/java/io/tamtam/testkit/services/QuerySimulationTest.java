package io.tamtam.testkit.services;

import io.tamtam.Cluster;
import io.tamtam.query.QueryListener;
import io.tamtam.query.QueryOptions;
import io.tamtam.query.QueryResponse;
import io.tamtam.query.QuerySummary;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.tamtam.testkit.services.ServicesSimulationTest.str;
import static io.tamtam.testkit.services.ServicesSimulationTest.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Queries on 1,000 simulated nodes: reach, answers, filters, relays, time. */
class QuerySimulationTest {

    @Test
    void aQueryIsAnsweredByAThousandNodesAndFiltersNarrowIt() {
        long wall = System.nanoTime();
        try (SimNetwork net = SimNetwork.builder().seed(31).trace(false).build()) {
            List<SimNode> nodes = Sim.cluster(net, 1000, b -> { }, n -> {
                n.cluster().setMetadata("role", n.index() % 2 == 0 ? "web" : "db");
                if (n.index() % 100 == 7) {
                    n.cluster().services().register("billing", m -> null);
                }
            });
            System.out.printf("  1000 nodes converged at %d ms virtual, %d ms wall%n", net.now().toMillis(), (System.nanoTime() - wall) / 1_000_000);
            int[] handled = new int[1];
            List<io.tamtam.Subscription> handlers = new ArrayList<>();
            for (SimNode n : nodes) {
                handlers.add(n.cluster().handleQuery("load", q -> {
                    handled[0]++;
                    return utf8("n" + n.index() + ":" + str(q.payload()));
                }));
            }
            Cluster asker = nodes.get(0).cluster();
            List<QueryResponse> streamed = new ArrayList<>();
            Set<UUID> acks = new HashSet<>();
            Duration start = net.now();
            CompletableFuture<QuerySummary> all = asker.query("load", utf8("?"), QueryOptions.DEFAULT, new QueryListener() {
                @Override
                public void onAck(UUID node) {
                    acks.add(node);
                }

                @Override
                public void onResponse(QueryResponse response) {
                    streamed.add(response);
                }
            });
            QuerySummary s = Sim.await(net, all);
            Duration took = net.now().minus(start);
            System.out.printf("query answered by %d of 1000 simulated nodes in %d ms virtual (last answer after %d ms; "
                            + "default deadline would be %d ms)%n", s.responses().size(), took.toMillis(),
                    streamed.get(streamed.size() - 1).after().toMillis(),
                    QueryOptions.defaultTimeout(asker.config().gossipInterval(), 1000).toMillis());
            assertEquals(1000, s.responses().size(), "every node answered");
            assertEquals(1000, s.acked().size(), "every node acknowledged");
            assertEquals(Set.of(), s.missing());
            assertEquals(1000, streamed.size(), "answers streamed as they arrived");
            assertEquals(1000, acks.size());
            assertEquals(1000, handled[0], "each node handled the query once");
            assertEquals("n5:?", str(s.responses().get(nodes.get(5).id())));

            System.out.printf("  first query done, %d ms wall%n", (System.nanoTime() - wall) / 1_000_000);
            QuerySummary web = Sim.await(net, asker.query("load", utf8("w"), QueryOptions.DEFAULT.tag("role", "we.")));
            assertEquals(500, web.responses().size(), "the tag filter selects the 500 web nodes");
            assertTrue(web.responses().keySet().stream().allMatch(id -> nodes.stream()
                    .filter(n -> n.id().equals(id)).findFirst().orElseThrow().index() % 2 == 0));

            Set<UUID> three = Set.of(nodes.get(10).id(), nodes.get(500).id(), nodes.get(999).id());
            QuerySummary picked = Sim.await(net, asker.query("load", utf8("p"), QueryOptions.DEFAULT.nodes(three)));
            assertEquals(three, picked.responses().keySet());

            QuerySummary billing = Sim.await(net, asker.query("load", utf8("b"), QueryOptions.DEFAULT.service("billing")));
            assertEquals(10, billing.responses().size(), "the 10 nodes offering billing answer");

            System.out.printf("  filtered queries done, %d ms wall%n", (System.nanoTime() - wall) / 1_000_000);
            // one expected node does not answer: the query runs to its deadline, relayed answers arrive twice
            handlers.get(3).close();
            QuerySummary relayed = Sim.await(net, asker.query("load", utf8("r"),
                    QueryOptions.DEFAULT.relayFactor(2).timeout(Duration.ofSeconds(1))));
            assertEquals(999, relayed.responses().size());
            assertEquals(1000, relayed.acked().size(), "the node without a handler still acknowledges");
            assertEquals(Set.of(nodes.get(3).id()), relayed.missing(), "the node without a handler is reported as not answering");
            assertTrue(relayed.duplicates() > 0, "relayed duplicates are suppressed and counted");
            assertTrue(relayed.elapsed().compareTo(Duration.ofSeconds(1)) >= 0, "waited for its deadline: " + relayed.elapsed());
            int before = handled[0];
            net.runFor(Duration.ofSeconds(1));
            assertEquals(before, handled[0], "no node handles a query twice");
        }
    }
}
