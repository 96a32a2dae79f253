package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;
import io.tamtam.transport.tcp.DevCertificates;
import io.tamtam.transport.tcp.StreamOnly;
import io.tamtam.transport.tcp.TcpTransportFactory;
import io.tamtam.transport.tcp.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS on the TCP transport, with the datagram path riding on it ({@link StreamOnly}) so that every
 * packet is authenticated by the cluster CA: a cluster forms; nodes with an untrusted, expired or
 * wrong-name certificate are refused and counted; a renewed certificate is picked up without a restart.
 */
class TlsClusterTest {

    private final Nodes nodes = new Nodes();

    @TempDir
    Path dir;

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    static ClusterConfig.Builder tls(TlsConfig tls) {
        StreamOnly only = StreamOnly.over(new TcpTransportFactory(null, tls));
        return ClusterConfig.local().streamTransport(only.streams()).datagramTransport(only.datagrams())
                .joinTimeout(Duration.ofSeconds(3));
    }

    @Test
    void threeNodesFormAClusterOverMutualTls() throws Exception {
        DevCertificates.CertSet certs = DevCertificates.generate(dir, Duration.ofDays(1), "127.0.0.1", "127.0.0.1", "127.0.0.1");
        List<Cluster> all = List.of(nodes.start(tls(certs.tlsConfig("node-0"))),
                nodes.start(tls(certs.tlsConfig("node-1"))), nodes.start(tls(certs.tlsConfig("node-2"))));
        Nodes.join(all.get(1), all.get(0));
        Nodes.join(all.get(2), all.get(0));
        Nodes.awaitAlive(all, 3, Duration.ofSeconds(30));
        for (Cluster c : all) {
            assertEquals(0, c.stats().dropped(DropReason.TLS_REFUSED), c::toString);
        }
    }

    @Test
    void untrustedExpiredAndWrongNameCertificatesAreRefusedAndCounted() throws Exception {
        DevCertificates.CertSet certs = DevCertificates.generate(dir.resolve("cluster"), Duration.ofDays(1),
                "127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1");
        Cluster seed = nodes.start(tls(certs.tlsConfig("node-0")));

        // Signed by another CA.
        DevCertificates.CertSet other = DevCertificates.generate(dir.resolve("other"), Duration.ofDays(1), "127.0.0.1");
        TlsConfig untrusted = TlsConfig.fromPem(other.nodes().get("node-0").certificate(),
                other.nodes().get("node-0").privateKey(), certs.ca().certificate());
        assertRefused(seed, nodes.start(tls(untrusted)), 1);

        // Signed by the cluster CA, expired yesterday.
        DevCertificates ca = DevCertificates.load(certs);
        ca.issue(certs.nodes().get("node-1"), "expired", Instant.now().minus(Duration.ofDays(2)),
                Instant.now().minus(Duration.ofDays(1)), "127.0.0.1");
        assertRefused(seed, nodes.start(tls(certs.tlsConfig("node-1"))), 2);

        // Signed by the cluster CA, naming another address: the seed refuses it when it connects back.
        ca.issue(certs.nodes().get("node-2"), "elsewhere", Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1)), "127.0.0.9", "node.example");
        assertRefused(seed, nodes.start(tls(certs.tlsConfig("node-2"))), 3);
    }

    private static void assertRefused(Cluster seed, Cluster joiner, long refusalsAtLeast) {
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> joiner.join(seed.localNode().address()).get(30, TimeUnit.SECONDS));
        assertTrue(failed.getCause() != null, "the join fails with a reason");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertTrue(
                seed.stats().dropped(DropReason.TLS_REFUSED) + joiner.stats().dropped(DropReason.TLS_REFUSED)
                        >= refusalsAtLeast, () -> "refusals: seed " + seed.stats().dropped(DropReason.TLS_REFUSED)
                        + ", joiner " + joiner.stats().dropped(DropReason.TLS_REFUSED)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertEquals(1, seed.liveMembers().size(), () -> "the seed sees " + seed.liveMembers()));
        joiner.close();
    }

    @Test
    void aRenewedCertificateIsLoadedWithoutARestart() throws Exception {
        DevCertificates.CertSet certs = DevCertificates.generate(dir, Duration.ofDays(1), "127.0.0.1", "127.0.0.1");
        Cluster seed = nodes.start(tls(certs.tlsConfig("node-0")));
        DevCertificates ca = DevCertificates.load(certs);
        DevCertificates.CertFiles files = certs.nodes().get("node-1");
        ca.issue(files, "expired", Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)),
                "127.0.0.1");
        TlsConfig renewing = certs.tlsBuilder("node-1").reloadInterval(Duration.ZERO).build();
        Cluster node = nodes.start(tls(renewing));
        assertThrows(ExecutionException.class, () -> node.join(seed.localNode().address()).get(30, TimeUnit.SECONDS));
        assertTrue(seed.stats().dropped(DropReason.TLS_REFUSED) > 0, "the expired certificate was refused");

        ca.issue(files, "renewed", Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), "127.0.0.1");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            node.join(seed.localNode().address()).get(30, TimeUnit.SECONDS);
            Nodes.awaitAlive(List.of(seed, node), 2, Duration.ofSeconds(10));
        });
        assertTrue(renewing.reloads() >= 1, "the renewed files were loaded");
    }
}
