package io.tamtam.internal.runtime;

import io.tamtam.spi.Scheduler;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A {@link Scheduler} for one node on threads shared with other nodes: its tasks run one at a time on the
 * shared pool (a lane), and its timers fire on the same pool into the lane. A lane runs at most
 * {@link #BATCH} tasks per turn, then queues itself behind the other lanes, so a busy node cannot starve
 * the others.
 *
 * <p>Urgent tasks ({@link #executeUrgent}) go first twice: within the lane, before its other tasks that
 * have not started, and across lanes, a lane with an urgent task takes its turn before the lanes that
 * have none. When many nodes share few threads and are all busy (a join storm's aftermath), a probe's
 * answer or a broadcast to pass on then waits for the lanes with urgent work, not for a turn of every
 * busy lane. Tasks of one kind run in the order they were submitted. After {@link #URGENT_RUN} urgent tasks
 * (or turns) in a row, one other waiting task (or turn) runs: a stream of urgent work, such as a flood of
 * probes, delays the rest but cannot starve it.
 */
public final class LaneScheduler implements Scheduler, AutoCloseable {
    /** Tasks a lane runs per turn on a pool thread. */
    static final int BATCH = 64;
    /**
     * Urgent tasks (within a lane) or urgent turns (across lanes) run in a row at most, before one other
     * waiting task or turn: a stream of urgent work delays the rest, it cannot starve it.
     */
    static final int URGENT_RUN = 16;

    /**
     * The turns of the lanes on one pool: lanes with urgent tasks queue apart and are served first. Every
     * queued turn is matched by one task given to the pool, which then runs the most urgent turn waiting.
     */
    public static final class Lanes {
        private final ScheduledExecutorService pool;
        private final ConcurrentLinkedQueue<LaneScheduler> urgent = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<LaneScheduler> normal = new ConcurrentLinkedQueue<>();
        private final Runnable next = this::runNext;
        /** Urgent turns taken since the last other one (approximate under concurrent pool threads). */
        private final java.util.concurrent.atomic.AtomicInteger urgentInARow = new java.util.concurrent.atomic.AtomicInteger();

        /** @param pool the shared protocol threads (timers and lanes) */
        public Lanes(ScheduledExecutorService pool) {
            this.pool = pool;
        }

        void queue(LaneScheduler lane, boolean isUrgent) {
            (isUrgent ? urgent : normal).add(lane);
            try {
                pool.execute(next);
            } catch (RejectedExecutionException e) {
                // The runtime is closed: the nodes' tasks are moot.
                urgent.clear();
                normal.clear();
            }
        }

        private void runNext() {
            LaneScheduler lane = null;
            if (urgentInARow.get() < URGENT_RUN) {
                lane = urgent.poll();
            }
            boolean wasUrgent = lane != null;
            if (lane == null) {
                lane = normal.poll();
                if (lane == null) {
                    lane = urgent.poll();
                    wasUrgent = lane != null;
                }
            }
            if (wasUrgent) {
                urgentInARow.incrementAndGet();
            } else {
                urgentInARow.set(0);
            }
            if (lane != null) {
                lane.turn(wasUrgent);
            }
        }
    }

    private final Lanes lanes;
    private final BiConsumer<String, Throwable> errors;
    private final Object lock = new Object();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final ArrayDeque<Runnable> urgentTasks = new ArrayDeque<>();
    /** Turns of this lane queued in {@link Lanes} (at most one per kind). */
    private int queued;
    private boolean queuedUrgent;
    private boolean running;
    private volatile boolean closed;

    /**
     * @param lanes  the turns of the lanes on the shared protocol threads
     * @param errors receives exceptions thrown by tasks
     */
    public LaneScheduler(Lanes lanes, BiConsumer<String, Throwable> errors) {
        this.lanes = lanes;
        this.errors = errors;
    }

    @Override
    public void execute(Runnable task) {
        add(task, false);
    }

    @Override
    public void executeUrgent(Runnable task) {
        add(task, true);
    }

    private void add(Runnable task, boolean urgent) {
        if (closed) {
            return;
        }
        int turn;
        synchronized (lock) {
            (urgent ? urgentTasks : tasks).add(task);
            turn = turnNeeded();
        }
        queue(turn);
    }

    /** Under the lock: which turn to queue for the lane's tasks, if any (0 none, 1 normal, 2 urgent). */
    private int turnNeeded() {
        if (running) {
            return 0; // the running turn takes the task, or queues another turn when it ends
        }
        boolean hasUrgent = !urgentTasks.isEmpty();
        if (!hasUrgent && tasks.isEmpty()) {
            return 0;
        }
        if (queued == 0 || hasUrgent && !queuedUrgent) {
            queued++;
            queuedUrgent |= hasUrgent;
            return hasUrgent ? 2 : 1;
        }
        return 0;
    }

    private void queue(int turn) {
        if (turn != 0) {
            lanes.queue(this, turn == 2);
        }
    }

    /** One turn: up to {@link #BATCH} tasks, urgent ones first; on a pool thread. */
    private void turn(boolean fromUrgent) {
        synchronized (lock) {
            queued--;
            if (fromUrgent) {
                queuedUrgent = false;
            }
            if (running || closed) {
                return;
            }
            running = true;
        }
        int urgentInARow = 0;
        for (int i = 0; i < BATCH; i++) {
            Runnable next;
            boolean wasUrgent;
            synchronized (lock) {
                if (closed) {
                    running = false;
                    return;
                }
                next = urgentInARow < URGENT_RUN ? urgentTasks.poll() : null;
                wasUrgent = next != null;
                if (next == null) {
                    next = tasks.poll();
                    if (next == null) {
                        next = urgentTasks.poll();
                        wasUrgent = next != null;
                    }
                }
                if (next == null) {
                    running = false;
                    return;
                }
            }
            urgentInARow = wasUrgent ? urgentInARow + 1 : 0;
            try {
                next.run();
            } catch (Throwable t) {
                errors.accept("protocol task", t);
            }
        }
        int turn;
        synchronized (lock) {
            running = false;
            turn = closed ? 0 : turnNeeded();
        }
        queue(turn);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        if (closed) {
            return () -> { };
        }
        Timer timer = new Timer(task);
        try {
            timer.future = lanes.pool.schedule(() -> execute(timer), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
        return timer;
    }

    /** Drops queued tasks; later ones and timers that fire later are ignored. */
    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            tasks.clear();
            urgentTasks.clear();
        }
    }

    /** A timer task that does not run once cancelled, even when it already fired into the lane. */
    private static final class Timer implements Runnable, Cancellable {
        private final Runnable task;
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> future;

        Timer(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (!cancelled) {
                task.run();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
