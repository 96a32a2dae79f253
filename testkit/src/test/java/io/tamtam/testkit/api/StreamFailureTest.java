package io.tamtam.testkit.api;

import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.NodeStream;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stream whose remote node is declared dead fails at once with a reason, instead of hanging. */
class StreamFailureTest {

    @Test
    void blockedReadFailsWhenTheRemoteIsDeclaredDead() throws Exception {
        try (SimNetwork net = SimNetwork.builder().seed(11).build()) {
            List<SimNode> nodes = net.addNodes(4);
            for (SimNode n : nodes.subList(1, 4)) {
                n.cluster().join(nodes.get(0).address());
            }
            assertTrue(net.runUntil(net::converged, Duration.ofSeconds(30)));
            SimNode a = nodes.get(1);
            SimNode b = nodes.get(2);
            AtomicReference<NodeStream> accepted = new AtomicReference<>();
            b.cluster().handleStream(300, accepted::set);
            Node bNode = a.cluster().member(b.id()).orElseThrow();
            CompletableFuture<NodeStream> opened = a.cluster().openStream(bNode, 300);
            // The handshake runs on real stream threads while the simulation delivers the connection:
            // advance virtual time in small steps until it is done.
            await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> {
                net.runFor(Duration.ofMillis(1));
                return opened.isDone();
            });
            NodeStream stream = opened.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> accepted.get() != null);

            AtomicReference<Throwable> readFailure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    stream.inputStream().read();
                } catch (IOException e) {
                    readFailure.set(e);
                }
            });
            reader.setDaemon(true);
            reader.start();

            net.partition(List.of(b), List.of(nodes.get(0), a, nodes.get(3)));
            assertTrue(net.runUntil(() -> a.cluster().member(b.id()).map(m -> m.state() == NodeState.DEAD).orElse(true),
                    Duration.ofSeconds(60)));
            await().atMost(Duration.ofSeconds(5)).until(() -> readFailure.get() != null);
            assertTrue(readFailure.get().getMessage().contains("is dead"), readFailure.get().getMessage());
            reader.join(5_000);
            accepted.get().close();
        }
    }

    @Test
    void oneNodeCannotHoldEveryInboundStreamSlot() throws Exception {
        try (SimNetwork net = SimNetwork.builder().seed(12).build()) {
            List<SimNode> nodes = net.addNodes(2);
            nodes.get(1).cluster().join(nodes.get(0).address());
            assertTrue(net.runUntil(net::converged, Duration.ofSeconds(30)));
            SimNode a = nodes.get(0);
            SimNode b = nodes.get(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            b.cluster().handleStream(301, s -> {
                try {
                    release.await(60, java.util.concurrent.TimeUnit.SECONDS); // a handler that waits: its slot stays taken
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    s.close();
                }
            });
            Node bNode = a.cluster().member(b.id()).orElseThrow();
            int tries = 130; // 128 may be open from one node
            List<CompletableFuture<NodeStream>> opened = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < tries; i++) {
                    opened.add(a.cluster().openStream(bNode, 301));
                }
                await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> {
                    net.runFor(Duration.ofMillis(1));
                    return opened.stream().allMatch(CompletableFuture::isDone);
                });
                long refused = opened.stream().filter(CompletableFuture::isCompletedExceptionally).count();
                assertTrue(refused == 2, refused + " of " + tries + " refused");
                Throwable why = opened.stream().filter(CompletableFuture::isCompletedExceptionally).findFirst()
                        .orElseThrow().handle((v, e) -> e).join();
                assertTrue(why.getMessage().contains("streams of that node are open here already"), why.getMessage());
            } finally {
                release.countDown();
                for (CompletableFuture<NodeStream> f : opened) {
                    f.thenAccept(NodeStream::close);
                }
            }
        }
    }
}
