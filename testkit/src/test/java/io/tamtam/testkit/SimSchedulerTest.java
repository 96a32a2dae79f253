package io.tamtam.testkit;

import io.tamtam.spi.Scheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimSchedulerTest {

    private final VirtualClock clock = new VirtualClock();
    private final SimScheduler loop = new SimScheduler(clock);

    @Test
    void runsByDueTimeThenInsertionOrder() {
        List<String> ran = new ArrayList<>();
        loop.schedule(() -> ran.add("c@3"), 3_000_000);
        loop.schedule(() -> ran.add("a@1"), 1_000_000);
        loop.schedule(() -> ran.add("b@1"), 1_000_000);
        loop.execute(() -> ran.add("now"));
        loop.schedule(() -> ran.add("a@2"), 2_000_000);

        loop.runFor(Duration.ofMillis(10));

        assertEquals(List.of("now", "a@1", "b@1", "a@2", "c@3"), ran);
        assertEquals(Duration.ofMillis(10), clock.now());
    }

    @Test
    void clockReadsEachTasksDueTime() {
        List<Long> seen = new ArrayList<>();
        loop.schedule(() -> seen.add(clock.nanoTime()), 5);
        loop.schedule(() -> {
            seen.add(clock.nanoTime());
            loop.schedule(() -> seen.add(clock.nanoTime()), 100);
        }, 50);
        loop.runFor(Duration.ofNanos(1000));
        assertEquals(List.of(5L, 50L, 150L), seen);
    }

    @Test
    void sameSubmissionsRunInTheSameOrder() {
        assertEquals(randomRun(11), randomRun(11));
        assertFalse(randomRun(11).equals(randomRun(12)), "another seed, another order");
    }

    private static List<Integer> randomRun(long seed) {
        VirtualClock c = new VirtualClock();
        SimScheduler l = new SimScheduler(c);
        Random r = new Random(seed);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            int id = i;
            l.schedule(() -> order.add(id), r.nextInt(50) * 1000L);
        }
        l.runFor(Duration.ofSeconds(1));
        return order;
    }

    @Test
    void stepRunsOneTaskAtATime() {
        List<String> ran = new ArrayList<>();
        loop.schedule(() -> ran.add("x"), 10);
        Scheduler.Cancellable c = loop.schedule(() -> ran.add("cancelled"), 20);
        loop.schedule(() -> ran.add("y"), 30);
        c.cancel();

        assertTrue(loop.step());
        assertEquals(List.of("x"), ran);
        assertEquals(10, clock.nanoTime());
        assertTrue(loop.step());
        assertEquals(List.of("x", "y"), ran);
        assertEquals(30, clock.nanoTime());
        assertFalse(loop.step());
    }

    @Test
    void runUntilStopsWhenTheConditionHoldsAndReportsTheTime() {
        AtomicInteger ticks = new AtomicInteger();
        for (int i = 1; i <= 100; i++) {
            loop.schedule(ticks::incrementAndGet, Duration.ofMillis(i * 10L));
        }
        assertTrue(loop.runUntil(() -> ticks.get() >= 25, Duration.ofSeconds(5)));
        assertEquals(Duration.ofMillis(250), clock.now());
        assertEquals(25, ticks.get());

        assertFalse(loop.runUntil(() -> ticks.get() >= 1000, Duration.ofSeconds(2)));
        assertEquals(Duration.ofMillis(2250), clock.now(), "gave up at the deadline");
        assertEquals(100, ticks.get());
    }

    @Test
    void runUntilWithACoarseStepChecksLessOften() {
        AtomicInteger checks = new AtomicInteger();
        for (int i = 1; i <= 1000; i++) {
            loop.schedule(() -> { }, Duration.ofMillis(i));
        }
        assertFalse(loop.runUntil(() -> checks.incrementAndGet() < 0, Duration.ofSeconds(1),
                Duration.ofMillis(100)));
        assertTrue(checks.get() <= 12, "checked " + checks.get() + " times");
    }

    @Test
    void aTaskThatThrowsIsRecordedAndTheLoopCarriesOn() {
        List<String> ran = new ArrayList<>();
        loop.schedule(() -> {
            throw new IllegalStateException("boom");
        }, 1_000_000);
        loop.schedule(() -> ran.add("after"), 2_000_000);

        loop.runFor(Duration.ofMillis(5));

        assertEquals(List.of("after"), ran);
        assertEquals(1, loop.failureCount());
        TaskFailure f = loop.failures().get(0);
        assertEquals(Duration.ofMillis(1), f.at());
        assertEquals("network", f.node());
        assertEquals("boom", f.error().getMessage());
    }

    @Test
    void cannotBeDrivenFromInsideATaskOrAnotherThread() throws Exception {
        loop.execute(() -> loop.runFor(Duration.ofMillis(1)));
        loop.runFor(Duration.ofMillis(1));
        assertEquals(1, loop.failureCount());
        assertTrue(loop.failures().get(0).error() instanceof IllegalStateException);

        List<Throwable> fromOtherThread = new ArrayList<>();
        Thread t = new Thread(() -> {
            try {
                loop.runFor(Duration.ofMillis(1));
            } catch (IllegalStateException e) {
                fromOtherThread.add(e);
            }
        });
        t.start();
        t.join(10_000);
        assertEquals(1, fromOtherThread.size());
    }

    @Test
    void tasksFromAnotherThreadRunAtTheNextStep() throws Exception {
        List<String> ran = new ArrayList<>();
        Thread t = new Thread(() -> loop.schedule(() -> ran.add("foreign"), 1_000_000));
        t.start();
        t.join(10_000);
        assertFalse(t.isAlive());
        loop.runFor(Duration.ofMillis(2));
        assertEquals(List.of("foreign"), ran);
    }

    @Test
    void pausedNodeRunsItsTasksLateAndInOrder() {
        NodeScheduler node = new NodeScheduler(loop, "n1");
        List<String> ran = new ArrayList<>();
        node.schedule(() -> ran.add("a@" + clock.millis()), 10_000_000);
        node.schedule(() -> ran.add("b@" + clock.millis()), 20_000_000);
        loop.schedule(() -> ran.add("other@" + clock.millis()), 30_000_000);
        node.schedule(() -> ran.add("c@" + clock.millis()), 200_000_000);

        node.pause();
        loop.runFor(Duration.ofMillis(100));
        assertEquals(List.of("other@30"), ran, "the paused node ran nothing");

        node.resume();
        loop.runFor(Duration.ofMillis(200));
        assertEquals(List.of("other@30", "a@100", "b@100", "c@200"), ran);
    }

    @Test
    void crashedNodeDropsHeldAndFutureTasks() {
        NodeScheduler node = new NodeScheduler(loop, "n1");
        List<String> ran = new ArrayList<>();
        node.schedule(() -> ran.add("held"), 1_000_000);
        node.pause();
        loop.runFor(Duration.ofMillis(5));
        node.schedule(() -> ran.add("queued"), 1_000_000);
        node.crash();
        node.schedule(() -> ran.add("after crash"), 0);
        node.resume();
        loop.runFor(Duration.ofMillis(10));
        assertEquals(List.of(), ran);
        assertEquals(NodeScheduler.State.CRASHED, node.state());
    }

    @Test
    void failureNamesTheNode() {
        NodeScheduler node = new NodeScheduler(loop, "n7");
        node.execute(() -> {
            throw new IllegalArgumentException("bad");
        });
        loop.runFor(Duration.ZERO);
        assertEquals("n7", loop.failures().get(0).node());
    }

    @Test
    void rejectsNegativeDelaysAndDurations() {
        assertThrows(IllegalArgumentException.class, () -> loop.schedule(() -> { }, -1));
        assertThrows(IllegalArgumentException.class, () -> loop.runFor(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class,
                () -> loop.runUntil(() -> true, Duration.ofSeconds(1), Duration.ZERO));
    }
}
