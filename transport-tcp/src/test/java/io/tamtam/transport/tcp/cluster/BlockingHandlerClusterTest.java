package io.tamtam.transport.tcp.cluster;

import io.tamtam.RequestType;

import io.tamtam.Cluster;
import io.tamtam.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Handlers that block on TamTam futures (a request made inside a handler) on every thread of the
 * default callback pool do not starve the completions they wait for, and membership goes on.
 */
class BlockingHandlerClusterTest {
    private static final RequestType<String, String> RELAY = RequestType.of(500, String.class, String.class);
    private static final RequestType<String, String> ECHO = RequestType.of(501, String.class, String.class);

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void handlersBlockingOnRequestsOnEveryCallbackThreadStillComplete() throws Exception {
        Cluster a = nodes.start();
        Cluster b = nodes.start();
        Cluster c = nodes.start();
        Nodes.join(b, a);
        Nodes.join(c, a);
        Nodes.awaitAlive(List.of(a, b, c), 3, Duration.ofSeconds(10));
        Node bAtA = a.member(b.localNode().id()).orElseThrow();
        b.handleRequest(ECHO, p -> p.payload() + "!");
        // Each call blocks a callback thread of A until B's answer completes A's request future.
        a.handleRequest(RELAY, p -> a.request(bAtA, ECHO, p.payload(), Duration.ofSeconds(5))
                .get(10, TimeUnit.SECONDS));
        Node aAtB = b.member(a.localNode().id()).orElseThrow();
        Node aAtC = c.member(a.localNode().id()).orElseThrow();
        CompletableFuture<String> fromB = b.request(aAtB, RELAY, "b", Duration.ofSeconds(8));
        CompletableFuture<String> fromC = c.request(aAtC, RELAY, "c", Duration.ofSeconds(8));
        assertEquals("b!", fromB.get(15, TimeUnit.SECONDS));
        assertEquals("c!", fromC.get(15, TimeUnit.SECONDS));
        Nodes.awaitAlive(List.of(a, b, c), 3, Duration.ofSeconds(5));
    }
}
