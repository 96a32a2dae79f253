package io.tamtam.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ErrorsTest {
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        callbacks.shutdownNow();
    }

    @Test
    void aLoggedFaultSaysFailedOnce() {
        assertEquals("protocol task failed", Errors.failed("protocol task"));
        // transports report contexts that say so already
        assertEquals("frame connection to 127.0.0.1:7946 failed", Errors.failed("frame connection to 127.0.0.1:7946 failed"));
        assertEquals("the frame listener failed on a frame from x", Errors.failed("the frame listener failed on a frame from x"));
    }

    @Test
    void faultsAreCountedByKindWithoutAHandler() {
        Errors errors = new Errors(null, callbacks, System::nanoTime, "test");
        for (int i = 0; i < 100; i++) {
            errors.report("handler of message type " + (1000 + i % 3), new RuntimeException("boom"));
        }
        errors.report("membership listener", new RuntimeException("boom"));
        assertEquals(101, errors.total());
        assertEquals(Map.of("handler of message type #", 100L, "membership listener", 1L), errors.byKind());
    }

    @Test
    void aUserHandlerRunsOnTheCallbackExecutorAndABlockedOneHoldsABoundedBacklog() {
        CountDownLatch release = new CountDownLatch(1);
        List<String> threads = new CopyOnWriteArrayList<>();
        Errors errors = new Errors((context, error) -> {
            threads.add(Thread.currentThread().getName());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, callbacks, System::nanoTime, "test");
        errors.report("protocol task", new RuntimeException("first"));
        await().until(() -> threads.size() == 1);
        assertNotEquals(Thread.currentThread().getName(), threads.get(0));
        // The handler blocks: MAX_QUEUED reports wait, the rest are only counted.
        for (int i = 0; i < Errors.MAX_QUEUED + 100; i++) {
            errors.report("protocol task", new RuntimeException("boom " + i));
        }
        assertEquals(Errors.MAX_QUEUED + 101, errors.total());
        assertEquals(100, errors.notHandled());
        release.countDown();
        await().until(() -> threads.size() == Errors.MAX_QUEUED + 1);
    }
}
