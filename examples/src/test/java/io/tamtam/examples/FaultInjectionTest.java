package io.tamtam.examples;

import io.tamtam.RequestType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.testkit.faults.FaultInjector;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The README's "Fault injection in your own tests": real nodes on loopback, frozen and partitioned. */
class FaultInjectionTest {

    static final RequestType<String, String> ECHO = RequestType.of(1000, String.class, String.class);

    @Test
    void aFrozenServerMissesARequestAndAPartitionedOneIsDeclaredDeadUntilTheHeal() throws Exception {
        // a short push-pull interval merges a healed partition within seconds
        ClusterConfig.Builder config = ClusterConfig.local().pushPullInterval(Duration.ofSeconds(2));
        try (FaultInjector faults = new FaultInjector();
             Cluster server = Cluster.create(faults.configure(config).build());
             Cluster client = Cluster.create(faults.configure(config).build())) {
            server.handleRequest(ECHO, packet -> packet.payload());
            Node serverNode = client.join(server.localNode().address()).get(10, TimeUnit.SECONDS);
            InetSocketAddress serverAddress = server.localNode().address();

            faults.freeze(serverAddress);                  // sockets stay open, nothing moves
            CompletableFuture<String> missed =
                    client.request(serverNode, ECHO, "hello", Duration.ofMillis(300));
            assertThrows(ExecutionException.class, () -> missed.get(10, TimeUnit.SECONDS));
            faults.thaw(serverAddress);                    // held packets are delivered now

            await().atMost(Duration.ofSeconds(20)).until(() -> stateOf(client, serverNode) == NodeState.ALIVE);
            assertEquals("again", client.request(serverNode, ECHO, "again", Duration.ofSeconds(5))
                    .get(10, TimeUnit.SECONDS));

            faults.partition(List.of(client.localNode().address()), List.of(serverAddress));
            await().atMost(Duration.ofSeconds(20)).until(() -> stateOf(client, serverNode) == NodeState.DEAD);
            faults.heal();
            await().atMost(Duration.ofSeconds(30)).until(() -> stateOf(client, serverNode) == NodeState.ALIVE);
        }
    }

    private static NodeState stateOf(Cluster observer, Node node) {
        return observer.member(node.id()).map(Node::state).orElse(null);
    }
}
