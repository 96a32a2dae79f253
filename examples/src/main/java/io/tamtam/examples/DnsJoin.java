package io.tamtam.examples;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Node;
import io.tamtam.discovery.dns.DnsSeedProvider;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Joins a cluster through DNS. With {@code --name} a headless service (one A/AAAA record per pod, as in
 * {@code examples/k8s}) and {@code --port} the cluster's port, a node binds that port and joins through the
 * addresses the name resolves to, keeping a snapshot in {@code --snapshot} when given; this is what the
 * Kubernetes StatefulSet runs. Without {@code --name}, a local demonstration: a first node on 127.0.0.1,
 * and a second node that finds it through the name {@code localhost}.
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=DnsJoin
 * java ... io.tamtam.examples.DnsJoin --name tamtam.default.svc.cluster.local --port 7946 --snapshot /var/lib/tamtam/members
 * </pre>
 */
public final class DnsJoin {

    private DnsJoin() {
    }

    /**
     * The local demonstration.
     *
     * @param out where to print
     * @return the live members the second node sees
     * @throws Exception when a node cannot start or the join fails
     */
    public static int demo(PrintStream out) throws Exception {
        try (Cluster first = Cluster.create(ClusterConfig.local().bindAddress(new InetSocketAddress("127.0.0.1", 0)).build())) {
            int port = first.localNode().address().getPort();
            // tag::dns[]
            try (DnsSeedProvider seeds = DnsSeedProvider.forAddresses("localhost", port).build();
                 Cluster second = Cluster.create(ClusterConfig.local().seedProvider(seeds)
                         .bindAddress(new InetSocketAddress("127.0.0.1", 0)).build())) {
                out.println("localhost resolves to " + seeds.seeds());
                Node through = second.join().get(30, TimeUnit.SECONDS);
                // end::dns[]
                out.println("joined through " + through.address() + ", members: " + second.liveMembers().size());
                return second.liveMembers().size();
            }
        }
    }

    /** @param args {@code --name NAME --port PORT [--snapshot FILE]}, or none for the local demonstration */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length == 0) {
            demo(out);
            return;
        }
        Args a = Args.parse(args, 0);
        int port = Integer.parseInt(a.required("port"));
        ClusterConfig.Builder config = ClusterConfig.lan().bindAddress(new InetSocketAddress(port));
        String snapshot = a.optional("snapshot", null);
        if (snapshot != null) {
            config.snapshotFile(Path.of(snapshot));
        }
        try (DnsSeedProvider seeds = DnsSeedProvider.forAddresses(a.required("name"), port).build();
             Cluster node = Cluster.create(config.seedProvider(seeds).build())) {
            node.addMembershipListener(e -> out.println(e.type() + " " + e.node().address()
                    + " (" + node.liveMembers().size() + " live)"));
            // The first pod finds only itself: the join fails, and the node keeps re-resolving the name.
            node.join().whenComplete((n, err) -> out.println(err == null ? "joined through " + n.address()
                    : "not joined yet, will retry: " + err.getMessage()));
            new CountDownLatch(1).await(Long.MAX_VALUE, TimeUnit.DAYS);
        }
    }
}
