package io.tamtam.testkit.faults;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;
import io.tamtam.Node;
import io.tamtam.NodeState;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Real nodes on loopback UDP and TCP, all wrapped by one fault injector, joined into one cluster; records
 * every membership event each node hears. Closes the nodes, then the injector.
 */
final class FaultyCluster implements AutoCloseable {

    final FaultInjector faults;
    final List<Cluster> nodes = new ArrayList<>();
    final List<Queue<MembershipEvent>> events = new ArrayList<>();

    FaultyCluster(int size, ClusterConfig.Builder config) throws Exception {
        faults = new FaultInjector(7);
        try {
            for (int i = 0; i < size; i++) {
                Cluster c = Cluster.create(faults.configure(config).build());
                nodes.add(c);
                Queue<MembershipEvent> q = new ConcurrentLinkedQueue<>();
                c.addMembershipListener(q::add);
                events.add(q);
            }
            for (int i = 1; i < size; i++) {
                nodes.get(i).join(address(0)).get(10, TimeUnit.SECONDS);
            }
            awaitStates(nodes, nodes, NodeState.ALIVE, Duration.ofSeconds(20));
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    InetSocketAddress address(int node) {
        return nodes.get(node).localNode().address();
    }

    List<InetSocketAddress> addresses(Collection<Cluster> of) {
        return of.stream().map(c -> c.localNode().address()).toList();
    }

    /** Waits until every observer sees every target (other than itself) in {@code state}. */
    static void awaitStates(List<Cluster> observers, List<Cluster> targets, NodeState state, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertStates(observers, targets, state));
    }

    /** Asserts that every observer sees every target (other than itself) in {@code state} now. */
    static void assertStates(List<Cluster> observers, List<Cluster> targets, NodeState state) {
        for (Cluster o : observers) {
            for (Cluster t : targets) {
                if (o != t) {
                    assertEquals(state, stateOf(o, t.localNode()), () -> o.localNode().address()
                            + " sees " + t.localNode().address() + " as " + stateOf(o, t.localNode()));
                }
            }
        }
    }

    static NodeState stateOf(Cluster observer, Node node) {
        return observer.member(node.id()).map(Node::state).orElse(null);
    }

    /** @return how many times any node other than {@code target} heard {@code type} about it */
    long heard(Cluster target, MembershipEvent.Type type) {
        long n = 0;
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) != target) {
                n += events.get(i).stream()
                        .filter(e -> e.type() == type && e.node().id().equals(target.localNode().id())).count();
            }
        }
        return n;
    }

    @Override
    public void close() {
        for (Cluster c : nodes) {
            c.close();
        }
        faults.close();
    }
}
