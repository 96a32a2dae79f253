package io.tamtam.transport.websocket;

import io.tamtam.Cluster;
import io.tamtam.DropReason;
import io.tamtam.transport.tcp.DevCertificates;
import io.tamtam.transport.tcp.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
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

/** wss:// with mutual TLS: a cluster forms; a node whose certificate another CA signed is refused and counted. */
class SecureWebSocketClusterTest {

    private final Nodes nodes = new Nodes();

    @TempDir
    Path dir;

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void threeWssNodesFormAClusterAndAnUntrustedNodeIsRefused() throws Exception {
        DevCertificates.CertSet certs = DevCertificates.generate(dir.resolve("cluster"), Duration.ofDays(1),
                "127.0.0.1", "127.0.0.1", "127.0.0.1");
        List<Cluster> all = List.of(nodes.start(Nodes.secureWebSocket(certs.tlsConfig("node-0"))),
                nodes.start(Nodes.secureWebSocket(certs.tlsConfig("node-1"))),
                nodes.start(Nodes.secureWebSocket(certs.tlsConfig("node-2"))));
        Nodes.join(all.get(1), all.get(0).localNode().address());
        Nodes.join(all.get(2), all.get(0).localNode().address());
        Nodes.awaitAlive(all, 3, Duration.ofSeconds(30));

        DevCertificates.CertSet other = DevCertificates.generate(dir.resolve("other"), Duration.ofDays(1), "127.0.0.1");
        TlsConfig untrusted = TlsConfig.fromPem(other.nodes().get("node-0").certificate(),
                other.nodes().get("node-0").privateKey(), certs.ca().certificate());
        Cluster intruder = nodes.start(Nodes.secureWebSocket(untrusted).joinTimeout(Duration.ofSeconds(3)));
        assertThrows(ExecutionException.class,
                () -> intruder.join(all.get(0).localNode().address()).get(30, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertTrue(all.get(0).stats().dropped(DropReason.TLS_REFUSED) > 0, "the seed counted the refusal"));
        for (Cluster c : all) {
            assertEquals(3, c.liveMembers().size(), c::toString);
        }
    }
}
