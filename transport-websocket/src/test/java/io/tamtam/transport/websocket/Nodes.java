package io.tamtam.transport.websocket;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.transport.tcp.TlsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Starts real cluster nodes for one test and closes every one of them afterwards. */
final class Nodes implements AutoCloseable {

    private final List<Cluster> started = new ArrayList<>();

    /**
     * @param config the WebSocket settings
     * @return local-test settings with the stream and datagram paths both on WebSocket
     */
    static ClusterConfig.Builder webSocket(WebSocketConfig config) {
        WebSocketTransportFactory ws = new WebSocketTransportFactory(config);
        return ClusterConfig.local().streamTransport(ws).datagramTransport(ws.datagrams());
    }

    /** @return {@link #webSocket(WebSocketConfig)} with plain ws:// on the default path */
    static ClusterConfig.Builder webSocket() {
        return webSocket(WebSocketConfig.defaults());
    }

    /** @param tls a node's TLS settings @return settings for a wss:// node */
    static ClusterConfig.Builder secureWebSocket(TlsConfig tls) {
        return webSocket(WebSocketConfig.defaults().withTls(tls));
    }

    Cluster start(ClusterConfig.Builder config) {
        try {
            Cluster c = Cluster.create(config.build());
            synchronized (started) {
                started.add(c);
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void join(Cluster node, InetSocketAddress seed) {
        try {
            node.join(seed).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("join through " + seed + " failed", e);
        }
    }

    static void awaitAlive(List<Cluster> nodes, int expected, Duration within) {
        await().atMost(within).untilAsserted(() -> {
            for (Cluster c : nodes) {
                assertEquals(expected, c.liveMembers().size(), () -> c + " sees " + c.liveMembers());
            }
        });
    }

    static NodeState stateOf(Cluster observer, Node node) {
        return observer.member(node.id()).map(Node::state).orElse(null);
    }

    @Override
    public void close() {
        synchronized (started) {
            for (Cluster c : started) {
                c.close();
            }
            started.clear();
        }
    }
}
