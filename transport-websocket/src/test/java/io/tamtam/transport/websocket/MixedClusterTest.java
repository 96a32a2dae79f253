package io.tamtam.transport.websocket;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DeliveryException;
import io.tamtam.MembershipEvent;
import io.tamtam.MessageType;
import io.tamtam.Node;
import io.tamtam.NodeAddress;
import io.tamtam.NodeState;
import io.tamtam.RequestType;
import io.tamtam.spi.MultiTransport;
import io.tamtam.transport.tcp.TcpTransportFactory;
import io.tamtam.transport.udp.UdpTransportFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One cluster of nodes reached over UDP+TCP only, nodes reached over WebSocket only, and bridges that have
 * both: each node advertises its addresses with their schemes and peers send over a transport they share.
 */
class MixedClusterTest {
    private static final String PATH = "/tamtam";
    private static final MessageType<String> NEWS = MessageType.of(7101, String.class);
    private static final RequestType<String, String> ECHO = RequestType.of(7102, String.class, String.class);

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    private static ClusterConfig.Builder lan(ClusterConfig.Builder b) {
        // Probe timing of a LAN rather than of loopback: WebSocket frames cost more CPU on a loaded machine.
        return b.probeInterval(Duration.ofMillis(500)).probeTimeout(Duration.ofMillis(250))
                .gossipInterval(Duration.ofMillis(100));
    }

    private static ClusterConfig.Builder tcpOnly() {
        MultiTransport t = MultiTransport.builder()
                .add(NodeAddress.UDP_TCP, "", null, new TcpTransportFactory(), new UdpTransportFactory()).build();
        return lan(ClusterConfig.local().streamTransport(t.streams()).datagramTransport(t.datagrams()));
    }

    private static ClusterConfig.Builder wsOnly() {
        WebSocketTransportFactory ws = new WebSocketTransportFactory(WebSocketConfig.defaults().withPath(PATH));
        MultiTransport t = MultiTransport.builder().add(NodeAddress.WS, PATH, null, ws, ws.datagrams()).build();
        return lan(ClusterConfig.local().streamTransport(t.streams()).datagramTransport(t.datagrams()));
    }

    private static ClusterConfig.Builder bridge() {
        WebSocketTransportFactory ws = new WebSocketTransportFactory(WebSocketConfig.defaults().withPath(PATH));
        MultiTransport t = MultiTransport.builder()
                .add(NodeAddress.UDP_TCP, "", null, new TcpTransportFactory(), new UdpTransportFactory())
                .add(NodeAddress.WS, PATH, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), ws, ws.datagrams())
                .build();
        return lan(ClusterConfig.local().streamTransport(t.streams()).datagramTransport(t.datagrams()));
    }

    private static InetSocketAddress at(Cluster c, String scheme) {
        NodeAddress a = c.localNode().addresses().stream().filter(x -> x.scheme().equals(scheme)).findFirst().orElseThrow();
        return new InetSocketAddress(a.host(), a.port());
    }

    @Test
    void tcpAndWebSocketNodesFormOneClusterThroughBridges() throws Exception {
        Cluster bridgeA = nodes.start(bridge());
        Cluster bridgeB = nodes.start(bridge());
        // One UDP+TCP node with a MultiTransport, one with the plain default transports (it advertises no
        // extension and is taken as udp+tcp at its address).
        List<Cluster> tcp = List.of(nodes.start(tcpOnly()), nodes.start(lan(ClusterConfig.local())));
        List<Cluster> ws = List.of(nodes.start(wsOnly()), nodes.start(wsOnly()), nodes.start(wsOnly()));
        List<Cluster> all = new ArrayList<>(List.of(bridgeA, bridgeB));
        all.addAll(tcp);
        all.addAll(ws);

        // Each node advertises every address it listens on, with its scheme.
        assertEquals(List.of(NodeAddress.UDP_TCP, NodeAddress.WS),
                bridgeA.localNode().addresses().stream().map(NodeAddress::scheme).toList());
        assertEquals(PATH, bridgeA.localNode().addresses().get(1).path());
        assertEquals(List.of(NodeAddress.WS), ws.get(0).localNode().addresses().stream().map(NodeAddress::scheme).toList());
        assertEquals(List.of(NodeAddress.udpTcp(tcp.get(1).localNode().address())), tcp.get(1).localNode().addresses());

        Map<UUID, Set<UUID>> deadSeen = new ConcurrentHashMap<>();
        for (Cluster c : all) {
            UUID observer = c.localNode().id();
            c.addMembershipListener(e -> {
                if (e.type() == MembershipEvent.Type.DEAD) {
                    deadSeen.computeIfAbsent(observer, k -> ConcurrentHashMap.newKeySet()).add(e.node().id());
                }
            });
        }

        Nodes.join(bridgeB, bridgeA.localNode().address());
        for (Cluster c : tcp) {
            Nodes.join(c, bridgeA.localNode().address());
        }
        Nodes.join(ws.get(0), at(bridgeA, NodeAddress.WS));
        Nodes.join(ws.get(1), at(bridgeB, NodeAddress.WS));
        Nodes.join(ws.get(2), at(bridgeA, NodeAddress.WS));
        Nodes.awaitAlive(all, all.size(), Duration.ofSeconds(60));

        // Every node learnt every other one's addresses.
        for (Cluster c : all) {
            for (Cluster other : all) {
                assertEquals(other.localNode().addresses(), c.member(other.localNode().id()).orElseThrow().addresses(),
                        c + " about " + other);
            }
        }

        // A broadcast from a WebSocket-only node reaches the TCP-only ones, and the other way round.
        Map<UUID, Set<String>> got = new ConcurrentHashMap<>();
        for (Cluster c : all) {
            UUID me = c.localNode().id();
            c.handle(NEWS, p -> got.computeIfAbsent(me, k -> ConcurrentHashMap.newKeySet()).add(p.payload()));
        }
        ws.get(1).broadcast(NEWS, "from-ws").get(20, TimeUnit.SECONDS);
        tcp.get(0).broadcast(NEWS, "from-tcp").get(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (Cluster c : all) {
                UUID me = c.localNode().id();
                Set<String> expected = me.equals(ws.get(1).localNode().id()) ? Set.of("from-tcp")
                        : me.equals(tcp.get(0).localNode().id()) ? Set.of("from-ws") : Set.of("from-ws", "from-tcp");
                assertTrue(got.getOrDefault(me, Set.of()).containsAll(expected), c + " got " + got.get(me));
            }
        });

        // Requests go between nodes that share a transport.
        for (Cluster c : all) {
            String name = c.localNode().id().toString();
            c.handleRequest(ECHO, p -> name + ":" + p.payload());
        }
        assertEquals(bridgeA.localNode().id() + ":t", tcp.get(0).request(bridgeA.localNode().id(), ECHO, "t",
                Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS));
        assertEquals(bridgeB.localNode().id() + ":w", ws.get(0).request(bridgeB.localNode().id(), ECHO, "w",
                Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS));
        assertEquals(ws.get(2).localNode().id() + ":ww", ws.get(0).request(ws.get(2).localNode().id(), ECHO, "ww",
                Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS));
        assertEquals(tcp.get(1).localNode().id() + ":tt", tcp.get(0).request(tcp.get(1).localNode().id(), ECHO, "tt",
                Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS));
        // Between a TCP-only and a WebSocket-only node there is no path: the request fails with the reason.
        ExecutionException none = assertThrows(ExecutionException.class, () -> tcp.get(0)
                .request(ws.get(0).localNode().id(), ECHO, "x", Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS));
        assertInstanceOf(DeliveryException.class, none.getCause());
        assertTrue(none.getCause().getMessage().contains("none with a scheme of this node's transports"),
                none.getCause().getMessage());

        // Nodes that share no transport still saw each other alive all along: none was declared dead.
        assertEquals(Map.of(), deadSeen);

        // A crashed WebSocket-only node is detected by everyone, the TCP-only nodes included.
        Cluster victim = ws.get(2);
        Node victimNode = victim.localNode();
        victim.close();
        List<Cluster> survivors = all.stream().filter(c -> c != victim).toList();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (Cluster c : survivors) {
                assertEquals(NodeState.DEAD, Nodes.stateOf(c, victimNode), c::toString);
            }
        });
        Set<UUID> deadOnes = deadSeen.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        assertEquals(Set.of(victimNode.id()), deadOnes);
    }
}
