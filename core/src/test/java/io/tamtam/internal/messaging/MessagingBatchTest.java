package io.tamtam.internal.messaging;

import io.tamtam.DropReason;
import io.tamtam.MessageType;
import io.tamtam.internal.Stats;
import io.tamtam.internal.peer.Peer;
import io.tamtam.internal.peer.Peers;
import io.tamtam.internal.runtime.ByteBudget;
import io.tamtam.internal.runtime.TestSchedulers;
import io.tamtam.internal.wire.WireFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A packet's messages of one sender go to its delivery lane as one task ({@link Messaging.Batch}): in
 * order within and across batches, each with its own outcome, bounded by the budget like single
 * deliveries.
 */
class MessagingBatchTest {
    private static final MessageType<byte[]> TYPE = MessageType.of(1000, byte[].class);

    /** What one message's outcome was told. */
    private record Told(int index, int status, boolean more) {
    }

    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);
    private final ByteBudget budget = new ByteBudget(1 << 20, 1_000);
    private final Stats stats = new Stats();
    private final Peers peers = new Peers(callbacks, new InOrder(TestSchedulers.INLINE_NO_TIMERS, 1, budget),
            id -> false, a -> null);
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final Messaging messaging = new Messaging(peers, budget, new Payloads(null), stats,
            (c, e) -> errors.add(c + ": " + e.getMessage()), id -> null);
    private final UUID sender = UUID.randomUUID();
    private final Peer session = peers.sender(sender);
    private final List<Told> told = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        callbacks.shutdownNow();
    }

    private Messaging.Outcome outcome(int index) {
        return new Messaging.Outcome() {
            @Override
            public void done(int status, byte[] reply) {
                done(status, reply, false);
            }

            @Override
            public void done(int status, byte[] reply, boolean more) {
                told.add(new Told(index, status, more));
            }
        };
    }

    /** Gathers messages {@code from} to {@code to - 1}, each payload holding its index, and submits them. */
    private void batch(int from, int to, int size) {
        Messaging.Batch b = new Messaging.Batch(sender, session, to - from);
        for (int i = from; i < to; i++) {
            byte[] payload = new byte[size];
            payload[0] = (byte) (i >> 8);
            payload[1] = (byte) i;
            messaging.gather(b, TYPE.id(), payload, outcome(i));
        }
        messaging.submit(b);
    }

    private static int index(byte[] payload) {
        return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    @Test
    void batchesRunInOrderOneAfterTheOtherAndTellWhetherMoreOfTheTaskFollows() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        messaging.handle(TYPE, p -> handled.add(index(p.payload())));
        int batches = 50;
        int per = 20;
        for (int b = 0; b < batches; b++) {
            batch(b * per, (b + 1) * per, 100);
        }
        await().until(() -> told.size() == batches * per);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < batches * per; i++) {
            expected.add(i);
        }
        assertEquals(expected, handled);
        for (Told t : told) {
            assertEquals(WireFormat.STATUS_OK, t.status());
            assertEquals(t.index() % per != per - 1, t.more(), "message " + t.index());
        }
        assertEquals(0, budget.bytes());
        assertEquals(0, budget.items());
    }

    @Test
    void aHandlerThatThrowsInTheMiddleOfABatchFailsOnlyItsMessage() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        messaging.handle(TYPE, p -> {
            int i = index(p.payload());
            handled.add(i);
            if (i == 5) {
                throw new IllegalStateException("handler failed on 5");
            }
        });
        batch(0, 10, 100);
        await().until(() -> told.size() == 10);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), handled);
        for (Told t : told) {
            assertEquals(t.index() == 5 ? WireFormat.STATUS_HANDLER_ERROR : WireFormat.STATUS_OK, t.status(),
                    "message " + t.index());
        }
        assertEquals(1, stats.callbackErrors());
        assertTrue(errors.stream().anyMatch(e -> e.contains("handler failed on 5")), errors.toString());
        assertEquals(0, budget.bytes());
    }

    @Test
    void aSlowHandlerWithAFullLaneRefusesWhatDoesNotFitWithoutBlockingTheReceiver() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        messaging.handle(TYPE, p -> {
            entered.countDown();
            release.await();
            handled.incrementAndGet();
        });
        int size = 10_000;
        long perMessage = size + ByteBudget.OVERHEAD_BYTES;
        int fits = (int) ((1 << 20) / perMessage);
        int sent = 0;
        // Batches of 10 until the budget is full: the receiving thread only queues, it never waits.
        while (sent < fits + 30) {
            batch(sent, sent + 10, size);
            sent += 10;
        }
        assertTrue(entered.await(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(budget.bytes() <= 1 << 20, "held " + budget.bytes());
        long refused = told.stream().filter(t -> t.status() == WireFormat.STATUS_OVERLOADED).count();
        assertEquals(sent - fits, refused);
        assertEquals(refused, stats.dropped(DropReason.QUEUE_FULL));
        assertFalse(told.stream().anyMatch(t -> t.status() == WireFormat.STATUS_OK));
        release.countDown();
        int total = sent;
        await().until(() -> told.size() == total);
        assertEquals(fits, handled.get());
        assertEquals(0, budget.bytes());
        assertEquals(0, budget.items());
    }

    @Test
    void aBatchWhoseLaneRejectsItGivesItsBudgetBackAndCountsItsMessages() {
        messaging.handle(TYPE, p -> { });
        callbacks.shutdownNow();
        batch(0, 8, 100);
        assertEquals(8, stats.dropped(DropReason.QUEUE_FULL));
        assertEquals(0, budget.bytes());
        assertEquals(0, budget.items());
    }

    @Test
    void messagesWithoutAHandlerAreAnsweredAtOnceAndTheRestOfTheBatchRuns() {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        messaging.handle(TYPE, p -> handled.add(index(p.payload())));
        Messaging.Batch b = new Messaging.Batch(sender, session, 3);
        messaging.gather(b, TYPE.id(), new byte[]{0, 1}, outcome(1));
        messaging.gather(b, TYPE.id() + 1, new byte[]{0, 2}, outcome(2));
        messaging.gather(b, TYPE.id(), new byte[]{0, 3}, outcome(3));
        assertEquals(2, b.size());
        messaging.submit(b);
        await().until(() -> told.size() == 3);
        assertEquals(List.of(1, 3), handled);
        assertEquals(new Told(2, WireFormat.STATUS_NO_HANDLER, false), told.get(0));
        assertEquals(1, stats.dropped(DropReason.NO_HANDLER));
    }
}
