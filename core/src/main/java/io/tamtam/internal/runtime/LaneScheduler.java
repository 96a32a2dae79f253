package io.tamtam.internal.runtime;

import io.tamtam.spi.Scheduler;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A {@link Scheduler} for one node on threads shared with other nodes: its tasks run one at a time, in
 * order, on the shared pool (a lane), and its timers fire on the same pool into the lane. A lane runs at
 * most {@link #BATCH} tasks per turn, then queues itself behind the other lanes, so a busy node cannot
 * starve the others.
 */
public final class LaneScheduler implements Scheduler, AutoCloseable {
    /** Tasks a lane runs per turn on a pool thread. */
    static final int BATCH = 64;

    private final ScheduledExecutorService pool;
    private final BiConsumer<String, Throwable> errors;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;
    private volatile boolean closed;

    /**
     * @param pool   the shared protocol threads (timers and lanes)
     * @param errors receives exceptions thrown by tasks
     */
    public LaneScheduler(ScheduledExecutorService pool, BiConsumer<String, Throwable> errors) {
        this.pool = pool;
        this.errors = errors;
    }

    @Override
    public void execute(Runnable task) {
        if (closed) {
            return;
        }
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        submit();
    }

    private void submit() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The runtime is closed: the node's tasks are moot.
            synchronized (tasks) {
                tasks.clear();
                running = false;
            }
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            Runnable next;
            synchronized (tasks) {
                next = closed ? null : tasks.poll();
                if (next == null) {
                    tasks.clear();
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (Throwable t) {
                errors.accept("protocol task", t);
            }
        }
        submit();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        if (closed) {
            return () -> { };
        }
        Timer timer = new Timer(task);
        try {
            timer.future = pool.schedule(() -> execute(timer), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
        return timer;
    }

    /** Drops queued tasks; later ones and timers that fire later are ignored. */
    @Override
    public void close() {
        closed = true;
        synchronized (tasks) {
            tasks.clear();
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
