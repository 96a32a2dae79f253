package io.tamtam.transport.tcp.cluster;

import io.tamtam.RequestType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;
import io.tamtam.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * User code that blocks inside a future's continuation or a listener, waiting for another future of the
 * same node, must not freeze the node's futures (timeouts included), on the default executor and on a
 * one-thread executor of the user's.
 */
class BlockingContinuationClusterTest {
    private static final RequestType<String, String> ECHO = RequestType.of(510, String.class, String.class);

    private final Nodes nodes = new Nodes();
    private ExecutorService userExecutor;

    @AfterEach
    void close() {
        nodes.close();
        if (userExecutor != null) {
            userExecutor.shutdownNow();
        }
    }

    private ClusterConfig.Builder config(boolean ownExecutor) {
        ClusterConfig.Builder b = ClusterConfig.local();
        if (ownExecutor) {
            userExecutor = Executors.newSingleThreadExecutor();
            b.callbackExecutor(userExecutor);
        }
        return b;
    }

    @ParameterizedTest(name = "one-thread user executor: {0}")
    @ValueSource(booleans = {false, true})
    void continuationOfJoinBlockingOnARequestCompletes(boolean ownExecutor) throws Exception {
        Cluster seed = nodes.start();
        seed.handleRequest(ECHO, p -> p.payload() + "!");
        Cluster joiner = nodes.start(config(ownExecutor));
        // The continuation runs where join's future completes and blocks there on a second future.
        CompletableFuture<String> reply = joiner.join(seed.localNode().address())
                .thenApply(n -> joiner.request(n, ECHO, "hi", Duration.ofSeconds(5)).join());
        assertEquals("hi!", reply.get(15, TimeUnit.SECONDS));
    }

    @ParameterizedTest(name = "one-thread user executor: {0}")
    @ValueSource(booleans = {false, true})
    void continuationBlockingOnATimeoutStillSeesTheTimeout(boolean ownExecutor) throws Exception {
        Cluster seed = nodes.start();
        // A handler that never answers in time: the inner request must fail by its timeout.
        CompletableFuture<Void> release = new CompletableFuture<>();
        seed.handleRequest(ECHO, p -> {
            release.get(20, TimeUnit.SECONDS);
            return "late";
        });
        Cluster joiner = nodes.start(config(ownExecutor));
        CompletableFuture<String> outcome = joiner.join(seed.localNode().address())
                .thenApply(n -> joiner.request(n, ECHO, "hi", Duration.ofMillis(300))
                        .handle((v, err) -> err == null ? "answered " + v : "failed: " + err.getMessage()).join());
        String result = outcome.get(15, TimeUnit.SECONDS);
        release.complete(null);
        assertTrue(result.startsWith("failed: ") && result.contains("no answer"), result);
    }

    @ParameterizedTest(name = "one-thread user executor: {0}")
    @ValueSource(booleans = {false, true})
    void listenerBlockingOnARequestCompletes(boolean ownExecutor) throws Exception {
        Cluster seed = nodes.start();
        seed.handleRequest(ECHO, p -> p.payload() + "!");
        Cluster joiner = nodes.start(config(ownExecutor));
        List<String> replies = new CopyOnWriteArrayList<>();
        joiner.addMembershipListener(ev -> {
            if (ev.type() == MembershipEvent.Type.JOINED && ev.node().id().equals(seed.localNode().id())) {
                replies.add(joiner.request(ev.node(), ECHO, "from listener", Duration.ofSeconds(5)).join());
            }
        });
        Node seedNode = joiner.join(seed.localNode().address()).get(10, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !replies.isEmpty());
        assertEquals(List.of("from listener!"), replies);
        // Later futures of the node still complete.
        assertEquals("again!", joiner.request(seedNode, ECHO, "again", Duration.ofSeconds(5))
                .get(10, TimeUnit.SECONDS));
    }
}
