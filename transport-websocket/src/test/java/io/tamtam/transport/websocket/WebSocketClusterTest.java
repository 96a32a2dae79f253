package io.tamtam.transport.websocket;

import io.tamtam.Cluster;
import io.tamtam.ClusterStats;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.NodeStream;
import io.tamtam.RequestType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clusters whose only transport is WebSocket: probes, gossip, requests and streams all over ws://. */
class WebSocketClusterTest {

    private static final RequestType<String, String> ECHO = RequestType.of(7001, String.class, String.class);

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void sixteenWebSocketNodesConvergeGossipAndDetectACrash() {
        int count = 16;
        List<Cluster> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(nodes.start(Nodes.webSocket().gossipInterval(Duration.ofMillis(100))));
        }
        for (int i = 1; i < count; i++) {
            Nodes.join(all.get(i), all.get(0).localNode().address());
        }
        Nodes.awaitAlive(all, count, Duration.ofSeconds(60));

        all.get(5).setMetadata("role", "ws");
        Node author = all.get(5).localNode();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (Cluster c : all) {
                assertEquals("ws", c.member(author.id()).orElseThrow().metadata().get("role"), c::toString);
            }
        });
        // No datagram socket: everything went as WebSocket frames.
        for (Cluster c : all) {
            assertTrue(c.stats().packetsReceived(ClusterStats.Path.FRAME) > 0, c::toString);
            assertEquals(0, c.stats().packetsReceived(ClusterStats.Path.DATAGRAM), c::toString);
        }

        Cluster victim = all.get(count - 1);
        Node victimNode = victim.localNode();
        victim.close();
        List<Cluster> survivors = all.subList(0, count - 1);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (Cluster c : survivors) {
                assertEquals(NodeState.DEAD, Nodes.stateOf(c, victimNode), c::toString);
            }
        });
    }

    @Test
    void requestsAndStreamsTravelOverWebSocket() throws Exception {
        // Probe timing of a LAN rather than of loopback: a stream makes the event loops busy (client frames
        // are masked and unmasked byte-wise), and on a loaded machine a 100 ms probe timeout is not met.
        WebSocketConfig ws = WebSocketConfig.defaults().withPath("/cluster/ws");
        Cluster a = nodes.start(Nodes.webSocket(ws).probeInterval(Duration.ofSeconds(1)).probeTimeout(Duration.ofMillis(500)));
        Cluster b = nodes.start(Nodes.webSocket(ws).probeInterval(Duration.ofSeconds(1)).probeTimeout(Duration.ofMillis(500)));
        Nodes.join(b, a.localNode().address());
        Nodes.awaitAlive(List.of(a, b), 2, Duration.ofSeconds(30));

        b.handleRequest(ECHO, p -> "echo:" + p.payload());
        assertEquals("echo:hi", a.request(b.localNode().id(), ECHO, "hi", Duration.ofSeconds(10))
                .get(20, TimeUnit.SECONDS));

        b.handleStream(900, stream -> {
            try (stream) {
                InputStream in = stream.inputStream();
                OutputStream out = stream.outputStream();
                byte[] all = in.readAllBytes();
                out.write(all);
                out.write(all);
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        byte[] data = new byte[3 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        try (NodeStream s = a.openStream(b.localNode().id(), 900).get(20, TimeUnit.SECONDS)) {
            Thread writer = new Thread(() -> {
                try {
                    s.outputStream().write(data);
                    s.outputStream().close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            writer.start();
            byte[] back = s.inputStream().readAllBytes();
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(2 * data.length, back.length);
            byte[] doubled = new byte[2 * data.length];
            System.arraycopy(data, 0, doubled, 0, data.length);
            System.arraycopy(data, 0, doubled, data.length, data.length);
            assertArrayEquals(doubled, back);
        }
    }
}
