package io.tamtam.internal.runtime;

import io.tamtam.spi.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaneSchedulerTest {
    private final ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(4);
    private final LaneScheduler.Lanes turns = new LaneScheduler.Lanes(pool);
    private final ScheduledThreadPoolExecutor one = new ScheduledThreadPoolExecutor(1);
    private final LaneScheduler.Lanes oneThread = new LaneScheduler.Lanes(one);

    @AfterEach
    void stop() {
        pool.shutdownNow();
        one.shutdownNow();
    }

    /** @return a latch that keeps the one thread busy until counted down, so that lanes queue their turns meanwhile */
    private CountDownLatch holdTheOneThread() {
        CountDownLatch hold = new CountDownLatch(1);
        one.execute(() -> {
            try {
                hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return hold;
    }

    @Test
    void lanesOnSharedThreadsRunTheirTasksOneAtATimeInOrder() {
        int lanes = 8;
        int perLane = 2_000;
        List<LaneScheduler> all = new ArrayList<>();
        List<List<Integer>> seen = new ArrayList<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        for (int l = 0; l < lanes; l++) {
            LaneScheduler lane = new LaneScheduler(turns, (what, t) -> { });
            all.add(lane);
            List<Integer> order = new ArrayList<>();
            seen.add(order);
            AtomicInteger inside = new AtomicInteger();
            for (int i = 0; i < perLane; i++) {
                int n = i;
                lane.execute(() -> {
                    if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    order.add(n); // unsynchronized on purpose: the lane must not run two tasks at once
                    inside.decrementAndGet();
                    done.incrementAndGet();
                });
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> done.get() == lanes * perLane);
        assertEquals(0, overlaps.get());
        for (List<Integer> order : seen) {
            for (int i = 0; i < perLane; i++) {
                assertEquals(i, order.get(i));
            }
        }
        all.forEach(LaneScheduler::close);
    }

    @Test
    void aCancelledTimerDoesNotRunAndATaskThatThrowsIsReportedWithoutStoppingTheLane() throws Exception {
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        LaneScheduler lane = new LaneScheduler(turns, (what, t) -> errors.add(what + ": " + t.getMessage()));
        AtomicInteger ran = new AtomicInteger();
        Scheduler.Cancellable cancelled = lane.schedule(ran::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(50));
        cancelled.cancel();
        lane.execute(() -> {
            throw new IllegalStateException("boom");
        });
        CountDownLatch later = new CountDownLatch(1);
        lane.schedule(later::countDown, TimeUnit.MILLISECONDS.toNanos(100));
        assertTrue(later.await(30, TimeUnit.SECONDS));
        assertEquals(0, ran.get());
        assertEquals(List.of("protocol task: boom"), List.copyOf(errors));

        lane.close();
        lane.execute(ran::incrementAndGet);
        CountDownLatch other = new CountDownLatch(1);
        new LaneScheduler(turns, (what, t) -> { }).execute(other::countDown);
        assertTrue(other.await(30, TimeUnit.SECONDS));
        assertEquals(0, ran.get(), "a closed lane runs nothing");
    }

    @Test
    void urgentTasksRunFirstWithinALaneAndAcrossLanes() throws Exception {
        CountDownLatch hold = holdTheOneThread();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        LaneScheduler a = new LaneScheduler(oneThread, (what, t) -> { });
        LaneScheduler b = new LaneScheduler(oneThread, (what, t) -> { });
        LaneScheduler c = new LaneScheduler(oneThread, (what, t) -> { });
        a.execute(() -> order.add("a1"));
        b.execute(() -> order.add("b1"));
        a.execute(() -> order.add("a2"));
        c.execute(() -> order.add("c1"));
        b.executeUrgent(() -> order.add("b-urgent"));
        c.executeUrgent(() -> order.add("c-urgent1"));
        c.executeUrgent(() -> order.add("c-urgent2"));
        hold.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> order.size() == 7);
        // b's and c's turns were queued as urgent, in that order, ahead of a's; each lane's urgent tasks
        // run before its others, in submission order.
        assertEquals(List.of("b-urgent", "b1", "c-urgent1", "c-urgent2", "c1", "a1", "a2"), List.copyOf(order));
    }

    @Test
    void aStreamOfUrgentWorkDelaysTheRestButDoesNotStarveIt() throws Exception {
        CountDownLatch hold = holdTheOneThread();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        // Within a lane: one task, then 40 urgent ones.
        LaneScheduler busy = new LaneScheduler(oneThread, (what, t) -> { });
        busy.execute(() -> order.add("busy-normal"));
        for (int i = 0; i < 40; i++) {
            int n = i;
            busy.executeUrgent(() -> order.add("busy-urgent" + n));
        }
        // Across lanes: a lane with one task, then 40 lanes with an urgent task each.
        LaneScheduler quiet = new LaneScheduler(oneThread, (what, t) -> { });
        quiet.execute(() -> order.add("quiet-normal"));
        for (int i = 0; i < 40; i++) {
            int n = i;
            new LaneScheduler(oneThread, (what, t) -> { }).executeUrgent(() -> order.add("lane-urgent" + n));
        }
        hold.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> order.size() == 82);
        List<String> ran = List.copyOf(order);
        assertEquals(LaneScheduler.URGENT_RUN, ran.indexOf("busy-normal"),
                "the lane's task ran after a run of urgent ones: " + ran);
        assertTrue(ran.indexOf("quiet-normal") < ran.indexOf("lane-urgent39"),
                "the lane without urgent work had its turn before the last urgent lane: " + ran);
    }
}
