package io.tamtam.transport.websocket;

import io.tamtam.Cluster;
import io.tamtam.Node;
import io.tamtam.RequestType;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A WebSocket-only cluster whose nodes reach each other only through a real nginx reverse proxy: each node
 * advertises its proxy port, so every probe, gossip packet and request crosses nginx.
 */
class ReverseProxyClusterTest {

    private static final RequestType<String, String> WHO = RequestType.of(7002, String.class, String.class);

    private final Nodes nodes = new Nodes();
    private Nginx nginx;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        nodes.close();
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void threeNodesBehindNginxFormAClusterAndAnswerRequests() throws Exception {
        int count = 3;
        String path = "/gossip";
        List<Integer> proxyPorts = new ArrayList<>();
        List<InetSocketAddress> backends = new ArrayList<>();
        List<Cluster> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int port = Nginx.freePort();
            proxyPorts.add(port);
            // A port picked free a moment ago: the proxy must know it before the node starts advertising.
            InetSocketAddress bind = new InetSocketAddress("127.0.0.1", Nginx.freePort());
            backends.add(bind);
            all.add(nodes.start(Nodes.webSocket(WebSocketConfig.defaults().withPath(path))
                    .bindAddress(bind)
                    .advertiseAddress(new InetSocketAddress("127.0.0.1", port))
                    .probeInterval(Duration.ofMillis(500)).probeTimeout(Duration.ofMillis(300))));
        }
        // The nodes advertise the proxy's ports; their own bound ports are known to nginx only.
        for (int i = 0; i < count; i++) {
            assertEquals(proxyPorts.get(i), all.get(i).localNode().address().getPort());
        }
        nginx = Nginx.start(dir.resolve("nginx"), path, proxyPorts, backends);

        for (int i = 1; i < count; i++) {
            Nodes.join(all.get(i), new InetSocketAddress("127.0.0.1", proxyPorts.get(0)));
        }
        Nodes.awaitAlive(all, count, Duration.ofSeconds(60));
        for (Cluster c : all) {
            for (Node m : c.liveMembers()) {
                assertEquals(true, proxyPorts.contains(m.address().getPort()), () -> c + " sees " + m);
            }
        }

        for (int i = 0; i < count; i++) {
            String name = "node-" + i;
            all.get(i).handleRequest(WHO, p -> name);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int i = 0; i < count; i++) {
                Cluster to = all.get((i + 1) % count);
                assertEquals("node-" + ((i + 1) % count), all.get(i).request(to.localNode().id(), WHO, "?",
                        Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
            }
        });
    }
}
