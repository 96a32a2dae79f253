package io.tamtam.internal.runtime;

import io.tamtam.spi.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Futures completed together ({@link Completions#completeAll}) keep the lane's order and stall rule. */
class CompletionsBatchTest {
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final Scheduler scheduler = new Scheduler() {
        @Override
        public void execute(Runnable task) {
            timers.execute(task);
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            ScheduledFuture<?> f = timers.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        }
    };
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final Completions completions = new Completions(callbacks, System::nanoTime, scheduler,
            (what, e) -> errors.add(e.getMessage()));

    @AfterEach
    void stop() {
        completions.close();
        callbacks.shutdownNow();
        timers.shutdownNow();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static CompletableFuture<Void>[] futures(int n) {
        CompletableFuture<Void>[] fs = new CompletableFuture[n];
        for (int i = 0; i < n; i++) {
            fs[i] = new CompletableFuture<>();
        }
        return fs;
    }

    @Test
    void batchesCompleteInOrderAmongOtherCompletions() {
        List<Integer> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Void>[] batch = futures(5);
        for (int i = 0; i < batch.length; i++) {
            int at = i + 1;
            batch[i].thenRun(() -> order.add(at));
        }
        CompletableFuture<Integer> before = new CompletableFuture<>();
        CompletableFuture<Integer> after = new CompletableFuture<>();
        before.thenAccept(order::add);
        after.thenAccept(order::add);
        completions.complete(before, 0);
        completions.completeAll(batch, batch.length);
        completions.complete(after, 6);
        await().until(() -> order.size() == 7);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), order);
    }

    @Test
    void aContinuationThatBlocksOnALaterFutureOfTheSameBatchDoesNotFreezeIt() {
        CompletableFuture<Void>[] batch = futures(3);
        List<String> seen = new ArrayList<>();
        // The first future's continuation waits for the third, which completes after it in the same batch:
        // the lane must move on to another thread and complete it.
        CompletableFuture<Void> waited = batch[0].thenRun(() -> {
            batch[2].join();
            synchronized (seen) {
                seen.add("first saw third");
            }
        });
        completions.completeAll(batch, batch.length);
        await().atMost(10, TimeUnit.SECONDS).until(waited::isDone);
        assertTrue(batch[1].isDone() && batch[2].isDone());
        assertEquals(List.of("first saw third"), seen);
        assertTrue(completions.moves() >= 1);
        assertTrue(errors.stream().anyMatch(e -> e.contains("no progress")), errors.toString());
    }

    @Test
    void theBacklogCountsEachFutureOfABatch() throws Exception {
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        callbacks.execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<Void>[] batch = futures(5);
        completions.completeAll(batch, batch.length);
        completions.complete(new CompletableFuture<Integer>(), 1);
        assertEquals(6, completions.backlog());
        hold.countDown();
        await().until(() -> completions.backlog() == 0);
        assertTrue(java.util.Arrays.stream(batch).allMatch(CompletableFuture::isDone));
    }
}
