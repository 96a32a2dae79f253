package io.tamtam.examples;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.transport.tcp.DevCertificates;
import io.tamtam.transport.tcp.StreamOnly;
import io.tamtam.transport.tcp.TcpTransportFactory;
import io.tamtam.transport.tcp.TlsConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cluster over mutual TLS: one call makes a development CA and a certificate per node (PEM files),
 * each node loads its own with {@link TlsConfig#fromPem}, and every packet, probes included, travels over
 * TLS connections ({@link StreamOnly}: no plaintext UDP). A renewed certificate written over the files is
 * picked up by new connections without a restart.
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=TlsCluster -Dexec.args="3"
 * </pre>
 */
public final class TlsCluster {

    private TlsCluster() {
    }

    /**
     * @param count how many nodes
     * @param out   where to print what happens
     * @return how many members node 0 sees at the end
     * @throws Exception when the certificates cannot be written or a node cannot start or join
     */
    public static int run(int count, PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("tamtam-tls-example");
        String[] hosts = new String[count];
        java.util.Arrays.fill(hosts, "127.0.0.1");
        DevCertificates.CertSet certs = DevCertificates.generate(dir, Duration.ofDays(30), hosts);
        out.println("CA and " + count + " node certificates in " + dir);
        List<Cluster> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                DevCertificates.CertFiles own = certs.nodes().get("node-" + i);
                // tag::tls[]
                TlsConfig tls = TlsConfig.builder(own.certificate(), own.privateKey(), certs.ca().certificate())
                        .reloadInterval(Duration.ofSeconds(10)) // renewed files are picked up
                        .build();
                StreamOnly transports = StreamOnly.over(new TcpTransportFactory(null, tls));
                ClusterConfig config = ClusterConfig.local()
                        .streamTransport(transports.streams())
                        .datagramTransport(transports.datagrams())
                        .build();
                Cluster node = Cluster.create(config);
                // end::tls[]
                nodes.add(node);
                out.println("node " + i + " at " + node.localNode().address() + ", TLS engine " + tls.engine());
            }
            for (int i = 1; i < count; i++) {
                nodes.get(i).join(nodes.get(0).localNode().address()).get(20, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (nodes.stream().anyMatch(n -> n.liveMembers().size() < count) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            int members = nodes.get(0).liveMembers().size();
            out.println("members seen by node 0 over mutual TLS: " + members);
            return members;
        } finally {
            for (Cluster n : nodes) {
                n.close();
            }
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Entry point.
     *
     * @param args optional node count, 3 by default
     * @throws Exception when a node cannot start or join
     */
    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 3, System.out);
    }
}
