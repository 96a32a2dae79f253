package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Node;
import io.tamtam.RequestType;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One cluster over both IP versions: every node listens dual-stack (the IPv6 wildcard, which also takes
 * IPv4), half advertise {@code ::1} and half {@code 127.0.0.1}, so every pair of nodes of different
 * advertised families talks across IPv4 and IPv6 on loopback, over UDP and TCP.
 */
class DualStackClusterTest {

    private static final RequestType<String, String> ECHO = RequestType.of(7003, String.class, String.class);

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void nodesAdvertisingIpv4AndIpv6LoopbackFormOneCluster() throws Exception {
        int count = 4;
        List<Cluster> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Cluster started = null;
            for (int attempt = 0; attempt < 5 && started == null; attempt++) {
                int port = freePort();
                String host = i % 2 == 0 ? "::1" : "127.0.0.1";
                try {
                    started = nodes.start(ClusterConfig.local()
                            .bindAddress(new InetSocketAddress("::", port))
                            .advertiseAddress(new InetSocketAddress(host, port)));
                } catch (java.io.UncheckedIOException taken) {
                    // the port was taken between picking and binding; pick another
                }
            }
            assertTrue(started != null, "a node could bind");
            all.add(started);
        }
        for (int i = 1; i < count; i++) {
            Nodes.join(all.get(i), all.get(0));
        }
        Nodes.awaitAlive(all, count, Duration.ofSeconds(30));
        int v4 = 0;
        int v6 = 0;
        for (Node m : all.get(0).liveMembers()) {
            if (m.address().getAddress() instanceof Inet6Address) {
                v6++;
            } else if (m.address().getAddress() instanceof Inet4Address) {
                v4++;
            }
        }
        assertEquals(2, v4);
        assertEquals(2, v6);

        for (Cluster c : all) {
            c.handleRequest(ECHO, p -> c.localNode().address().getHostString() + ":" + p.payload());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (Cluster from : all) {
                for (Cluster to : all) {
                    if (from != to) {
                        assertEquals(to.localNode().address().getHostString() + ":x",
                                from.request(to.localNode().id(), ECHO, "x", Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
                    }
                }
            }
        });
    }
}
