package io.tamtam.examples;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MessageType;
import io.tamtam.transport.websocket.WebSocketConfig;
import io.tamtam.transport.websocket.WebSocketTransportFactory;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A cluster that speaks only WebSocket: each node serves {@code ws://host:port/tamtam} and sends
 * everything, probes and gossip included, as WebSocket binary messages, so it runs where only HTTP
 * passes (behind a reverse proxy, advertise the proxy's address with {@code advertiseAddress}).
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=WebSocketCluster -Dexec.args="4"
 * </pre>
 */
public final class WebSocketCluster {

    /** A broadcast every node receives. */
    public static final MessageType<String> HELLO = MessageType.of(1100, String.class);

    private WebSocketCluster() {
    }

    /**
     * Starts {@code count} WebSocket-only nodes on loopback, joins them, broadcasts from the last one and
     * waits until every other node got it.
     *
     * @param count how many nodes
     * @param out   where to print what happens
     * @return how many nodes received the broadcast
     * @throws Exception when a node cannot start or join
     */
    public static int run(int count, PrintStream out) throws Exception {
        List<Cluster> nodes = new ArrayList<>();
        CountDownLatch received = new CountDownLatch(count - 1);
        try {
            for (int i = 0; i < count; i++) {
                // tag::websocket[]
                WebSocketTransportFactory ws = new WebSocketTransportFactory(WebSocketConfig.defaults().withPath("/tamtam"));
                ClusterConfig config = ClusterConfig.local()
                        .streamTransport(ws)
                        .datagramTransport(ws.datagrams()) // no UDP: probes and gossip go over WebSocket
                        .build();
                Cluster node = Cluster.create(config);
                // end::websocket[]
                nodes.add(node);
                if (i < count - 1) {
                    node.handle(HELLO, p -> received.countDown());
                }
                out.println("node " + i + " serves ws://" + node.localNode().address().getHostString() + ":"
                        + node.localNode().address().getPort() + "/tamtam");
            }
            for (int i = 1; i < count; i++) {
                nodes.get(i).join(nodes.get(0).localNode().address()).get(20, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (nodes.stream().anyMatch(n -> n.liveMembers().size() < count) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            out.println("members seen by node 0: " + nodes.get(0).liveMembers().size());
            nodes.get(count - 1).broadcast(HELLO, "hello over WebSocket").get(10, TimeUnit.SECONDS);
            received.await(30, TimeUnit.SECONDS);
            int got = (int) (count - 1 - received.getCount());
            out.println("broadcast received by " + got + " of " + (count - 1) + " nodes");
            return got;
        } finally {
            for (Cluster n : nodes) {
                n.leave(Duration.ofSeconds(1));
                n.close();
            }
        }
    }

    /**
     * Entry point.
     *
     * @param args optional node count, 4 by default
     * @throws Exception when a node cannot start or join
     */
    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 4, System.out);
    }
}
