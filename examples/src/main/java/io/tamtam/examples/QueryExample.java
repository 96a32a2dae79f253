package io.tamtam.examples;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.NodeState;
import io.tamtam.query.QueryOptions;
import io.tamtam.query.QuerySummary;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tamtam.examples.ServiceRegistryDemo.str;
import static io.tamtam.examples.ServiceRegistryDemo.utf8;

/**
 * Query example: four nodes tagged by zone answer "uptime"; the asker queries the nodes of one zone and
 * prints answers as they arrive, then the summary.
 * Run with {@code ./mvnw -q -pl examples exec:java -Dexec.mainClass=io.tamtam.examples.QueryExample}.
 */
public final class QueryExample {
    private QueryExample() {
    }

    /** @param args unused @throws Exception when a step fails */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * @param out where it reports
     * @return the summary of the zone query
     * @throws Exception when a step fails
     */
    public static QuerySummary run(PrintStream out) throws Exception {
        List<Cluster> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Cluster c = Cluster.create(ClusterConfig.local().build());
                nodes.add(c);
                c.setMetadata("zone", i % 2 == 0 ? "eu-west" : "us-east");
                String me = "node" + i;
                c.handleQuery("uptime", q -> utf8(me + " up, asked: " + str(q.payload())));
                if (i > 0) {
                    c.join(nodes.get(0).localNode().address()).get(20, TimeUnit.SECONDS);
                }
            }
            Cluster asker = nodes.get(0);
            ServiceRegistryDemo.waitFor(() -> nodes.stream().allMatch(c -> c.memberCount(NodeState.ALIVE) == 4
                    && c.members().stream().allMatch(n -> n.metadata().containsKey("zone"))));
            QuerySummary s = asker.query("uptime", utf8("how long?"),
                    QueryOptions.DEFAULT.tag("zone", "eu-.*").timeout(Duration.ofSeconds(10)),
                    r -> out.printf("  %s after %d ms: %s%n", r.from(), r.after().toMillis(), str(r.payload())))
                    .get(60, TimeUnit.SECONDS);
            out.printf("summary: %d acked, %d answered, %d missing, %d ms%n", s.acked().size(), s.responses().size(),
                    s.missing().size(), s.elapsed().toMillis());
            return s;
        } finally {
            nodes.forEach(Cluster::close);
        }
    }
}
