package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Node;
import io.tamtam.NodeState;
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

    /** @return a node with {@link ClusterConfig#local()} settings */
    Cluster start() {
        return start(ClusterConfig.local());
    }

    /** @param config the node's configuration @return the running node */
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

    /** Joins {@code node} through {@code seed}, waiting at most 10 s. */
    static void join(Cluster node, Cluster seed) {
        try {
            node.join(seed.localNode().address()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("join through " + seed.localNode().address() + " failed", e);
        }
    }

    /** @return {@code count} nodes joined into one cluster through the first one, all seeing each other */
    List<Cluster> cluster(int count, ClusterConfig.Builder config) {
        List<Cluster> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(start(config));
        }
        for (int i = 1; i < count; i++) {
            join(nodes.get(i), nodes.get(0));
        }
        awaitAlive(nodes, count, Duration.ofSeconds(30));
        return nodes;
    }

    /** Waits until every node sees {@code expected} alive members. */
    static void awaitAlive(List<Cluster> nodes, int expected, Duration within) {
        await().atMost(within).untilAsserted(() -> {
            for (Cluster c : nodes) {
                assertEquals(expected, c.liveMembers().size(), () -> c + " sees " + c.liveMembers());
            }
        });
    }

    /** @return the state {@code observer} has for {@code node}, null when unknown */
    static NodeState stateOf(Cluster observer, Node node) {
        return observer.member(node.id()).map(Node::state).orElse(null);
    }

    /** @return a 32-byte key, every byte {@code fill} */
    static byte[] key(int fill) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) fill);
        return k;
    }

    /** @return the address of {@code node} */
    static InetSocketAddress address(Cluster node) {
        return node.localNode().address();
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
