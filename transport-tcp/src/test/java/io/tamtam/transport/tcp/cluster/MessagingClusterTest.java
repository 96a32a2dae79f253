package io.tamtam.transport.tcp.cluster;

import io.tamtam.RequestType;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DeliveryException;
import io.tamtam.RemoteException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reliable sends, broadcasts and request/reply between real nodes. */
class MessagingClusterTest {

    private static final MessageType<Numbered> SEQUENCED = MessageType.of(200, Numbered.class);
    private static final MessageType<FromOrigin> ORIGIN = MessageType.of(201, FromOrigin.class);
    private static final RequestType<String, String> ECHO = RequestType.of(202, String.class, String.class);
    private static final RequestType<String, String> FAILING = RequestType.of(203, String.class, String.class);
    private static final RequestType<String, String> SLOW = RequestType.of(204, String.class, String.class);

    /** A payload carrying its sender's sequence number. */
    record Numbered(long seq, String text) {
    }

    /** A broadcast payload naming its origin. */
    record FromOrigin(String origin, int seq) {
    }

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    /** @return the futures of {@code count} reliable messages from a to b, numbered 0 up, sent at once */
    private static CompletableFuture<?>[] sendNumbered(Cluster a, Cluster b, int count) {
        CompletableFuture<?>[] sent = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            sent[i] = a.sendReliable(b.localNode(), SEQUENCED, new Numbered(i, "message " + i));
        }
        return sent;
    }

    /** Checks that the numbers handled are 0, 1, 2... in that order, and returns how many there are. */
    private static int assertInSendOrder(List<Long> handled) {
        synchronized (handled) {
            for (int i = 0; i < handled.size(); i++) {
                assertEquals(i, handled.get(i), "position " + i);
            }
            return handled.size();
        }
    }

    private static void awaitAllDone(CompletableFuture<?>[] sent) {
        await().atMost(Duration.ofSeconds(60)).until(() -> java.util.Arrays.stream(sent).allMatch(CompletableFuture::isDone));
    }

    @Test
    void tenThousandReliableMessagesArriveInSendOrder() throws Exception {
        // A slower suspicion than local()'s: on a loaded machine the burst can delay probes enough for a
        // false DEAD, which would fail the messages for a reason this test is not about.
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local().suspicionMultiplier(8));
        Cluster a = pair.get(0);
        Cluster b = pair.get(1);
        int count = 10_000;
        List<Long> received = java.util.Collections.synchronizedList(new ArrayList<>(count));
        b.handle(SEQUENCED, p -> received.add(p.payload().seq()));

        CompletableFuture<?>[] sent = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            sent[i] = a.sendReliable(b.localNode(), SEQUENCED, new Numbered(i, "message " + i));
        }
        CompletableFuture.allOf(sent).get(60, TimeUnit.SECONDS);

        assertEquals(count, received.size());
        synchronized (received) {
            for (int i = 0; i < count; i++) {
                assertEquals(i, received.get(i), "position " + i);
            }
        }
    }

    @Test
    void reliableMessagesFromSeveralThreadsOfMixedSizesArriveInEachThreadsOrder() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local().suspicionMultiplier(8));
        Cluster a = pair.get(0);
        Cluster b = pair.get(1);
        int threads = 4;
        int perThread = 1_500;
        Map<String, List<Long>> received = new ConcurrentHashMap<>();
        b.handle(SEQUENCED, p -> received.computeIfAbsent(p.payload().text().substring(0, 2),
                k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(p.payload().seq()));
        // Most messages are small and go together in compound packets while a write is pending; every
        // 97th is larger than a batch may hold and goes alone, between them.
        List<CompletableFuture<?>> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String tag = "t" + t;
            Thread sender = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    String text = tag + (i % 97 == 0 ? "x".repeat(40_000) : " message " + i);
                    sent.add(a.sendReliable(b.localNode(), SEQUENCED, new Numbered(i, text)));
                }
            });
            sender.start();
            senders.add(sender);
        }
        for (Thread t : senders) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture<?>[]::new)).get(60, TimeUnit.SECONDS);

        assertEquals(threads * perThread, sent.size());
        assertEquals(threads, received.size());
        for (Map.Entry<String, List<Long>> e : received.entrySet()) {
            List<Long> seqs = e.getValue();
            assertEquals(perThread, seqs.size(), e.getKey());
            synchronized (seqs) {
                for (int i = 0; i < perThread; i++) {
                    assertEquals(i, seqs.get(i), e.getKey() + " position " + i);
                }
            }
        }
        assertTrue(a.stats().packetsSent() < threads * perThread,
                "messages sent while a write was pending went together: " + a.stats().packetsSent() + " packets");
    }

    @Test
    void messagesHandledBeforeABlockedHandlerAreAcknowledgedWhileItBlocks() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local().suspicionMultiplier(8));
        Cluster a = pair.get(0);
        Cluster b = pair.get(1);
        int count = 200;
        int blocking = 150;
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        b.handle(SEQUENCED, p -> {
            if (p.payload().seq() == blocking) {
                entered.countDown();
                unblock.await();
            }
        });
        // Sent at once, so that the receiver's lane has messages queued behind each one it handles and
        // their acknowledgements wait to go together.
        CompletableFuture<?>[] sent = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            sent[i] = a.sendReliable(b.localNode(), SEQUENCED, new Numbered(i, "message " + i));
        }
        try {
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the blocking message was handled");
            CompletableFuture<Void> before = CompletableFuture.allOf(java.util.Arrays.copyOf(sent, blocking));
            await().atMost(Duration.ofSeconds(30)).until(before::isDone);
            before.get(); // none failed
            assertTrue(!sent[blocking].isDone(), "its handler has not returned");
        } finally {
            unblock.countDown();
        }
        CompletableFuture.allOf(sent).get(60, TimeUnit.SECONDS);
    }

    @Test
    void aHandlerThatThrowsWithinABurstFailsOnlyThoseMessagesAndTheRestArriveInOrder() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local().suspicionMultiplier(8));
        Cluster a = pair.get(0);
        Cluster b = pair.get(1);
        int count = 3_000;
        List<Long> handled = java.util.Collections.synchronizedList(new ArrayList<>(count));
        b.handle(SEQUENCED, p -> {
            handled.add(p.payload().seq());
            if (p.payload().seq() % 97 == 5) {
                throw new IllegalStateException("refused " + p.payload().seq());
            }
        });
        // Sent at once: the receiver gets them many to a packet, each packet's run by its lane as one task.
        CompletableFuture<?>[] sent = sendNumbered(a, b, count);
        awaitAllDone(sent);
        for (int i = 0; i < count; i++) {
            if (i % 97 == 5) {
                ExecutionException e = assertThrows(ExecutionException.class, sent[i]::get, "message " + i);
                assertInstanceOf(RemoteException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("refused " + i), e.getCause().getMessage());
            } else {
                sent[i].get();
            }
        }
        assertEquals(count, assertInSendOrder(handled));
    }

    @Test
    void closingTheReceiverWhileABurstWaitsForItsHandlerAnswersEveryFuture() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local().suspicionMultiplier(8));
        Cluster a = pair.get(0);
        Cluster b = pair.get(1);
        int count = 2_000;
        int blocking = 100;
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        List<Long> handled = java.util.Collections.synchronizedList(new ArrayList<>(count));
        b.handle(SEQUENCED, p -> {
            handled.add(p.payload().seq());
            if (p.payload().seq() == blocking) {
                entered.countDown();
                unblock.await();
            }
        });
        CompletableFuture<?>[] sent = sendNumbered(a, b, count);
        try {
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the blocking message was handled");
            CompletableFuture<Void> before = CompletableFuture.allOf(java.util.Arrays.copyOf(sent, blocking));
            await().atMost(Duration.ofSeconds(30)).until(before::isDone);
            before.get(); // acknowledged while the handler blocks
            b.close();
        } finally {
            unblock.countDown();
        }
        // Every future ends: acknowledged (handled before the close took the connection down) or failed
        // with a delivery failure (the receiver left, or its answer did not come in time).
        awaitAllDone(sent);
        int acknowledged = 0;
        for (int i = 0; i < count; i++) {
            try {
                sent[i].get();
                acknowledged++;
            } catch (ExecutionException e) {
                assertInstanceOf(DeliveryException.class, e.getCause(), "message " + i);
            }
        }
        assertTrue(acknowledged >= blocking, "the messages before the blocked one were acknowledged: " + acknowledged);
        assertTrue(acknowledged <= handled.size(), acknowledged + " acknowledged, " + handled.size() + " handled");
        assertInSendOrder(handled);
    }

    @Test
    void everyNodeReceivesEveryOtherNodesBroadcastsOnce() {
        int count = 5;
        int each = 1_000;
        // 5,000 items are in flight at once: the queue must hold them all, or evicting an item that was
        // lost in a burst of datagrams would lose that broadcast (broadcastsEvicted counts those).
        List<Cluster> all = nodes.cluster(count, ClusterConfig.local().broadcastQueueCapacity(16_384));
        List<Map<String, Set<Integer>>> seen = new ArrayList<>();
        AtomicInteger duplicates = new AtomicInteger();
        for (Cluster c : all) {
            Map<String, Set<Integer>> perOrigin = new ConcurrentHashMap<>();
            c.handle(ORIGIN, p -> {
                if (!perOrigin.computeIfAbsent(p.payload().origin(), k -> ConcurrentHashMap.newKeySet()).add(p.payload().seq())) {
                    duplicates.incrementAndGet();
                }
            });
            seen.add(perOrigin);
        }
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            for (Cluster c : all) {
                queued.add(c.broadcast(ORIGIN, new FromOrigin(c.localNode().id().toString(), i)));
            }
        }
        CompletableFuture.allOf(queued.toArray(new CompletableFuture<?>[0])).join();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int n = 0; n < count; n++) {
                Map<String, Set<Integer>> perOrigin = seen.get(n);
                UUID self = all.get(n).localNode().id();
                assertEquals(count - 1, perOrigin.size(), "origins seen by node " + n);
                for (Cluster origin : all) {
                    if (!origin.localNode().id().equals(self)) {
                        Set<Integer> got = perOrigin.get(origin.localNode().id().toString());
                        assertEquals(each, got == null ? 0 : got.size(), "node " + n + " from " + origin);
                    }
                }
                assertTrue(!perOrigin.containsKey(self.toString()), "node " + n + " received its own broadcast");
            }
        });
        assertEquals(0, duplicates.get(), "duplicate deliveries");
    }

    @Test
    void requestsGetRepliesRemoteErrorsAndTimeouts() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local());
        Cluster a = pair.get(0);
        Cluster b = pair.get(1);
        CountDownLatch release = new CountDownLatch(1);
        b.handleRequest(ECHO, p -> "echo:" + p.payload());
        b.handleRequest(FAILING, p -> {
            throw new IllegalStateException("no such key: " + p.payload());
        });
        b.handleRequest(SLOW, p -> {
            release.await(30, TimeUnit.SECONDS);
            return "late";
        });
        try {
            assertEquals("echo:hi", a.request(b.localNode(), ECHO, "hi", Duration.ofSeconds(5))
                    .get(10, TimeUnit.SECONDS));

            ExecutionException remote = assertThrows(ExecutionException.class, () -> a.request(b.localNode(), FAILING,
                    "k1", Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS));
            assertInstanceOf(RemoteException.class, remote.getCause());
            assertTrue(remote.getCause().getMessage().contains("no such key: k1"), remote.getCause().getMessage());

            CompletableFuture<String> slow = a.request(b.localNode(), SLOW, "x", Duration.ofMillis(500));
            ExecutionException timeout = assertThrows(ExecutionException.class, () -> slow.get(5, TimeUnit.SECONDS));
            assertInstanceOf(DeliveryException.class, timeout.getCause());
            assertInstanceOf(TimeoutException.class, timeout.getCause().getCause());
        } finally {
            release.countDown();
        }
        // The released handler's late reply is ignored; the pair still answers.
        assertEquals("echo:again", a.request(b.localNode(), ECHO, "again", Duration.ofSeconds(5))
                .get(10, TimeUnit.SECONDS));
    }
}
