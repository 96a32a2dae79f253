package io.tamtam.internal.runtime;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs at most {@code limit} tasks at once on an underlying executor, the rest queued in submission
 * order, without holding a thread between tasks: a node's share of threads it does not own.
 */
public final class BoundedExecutor implements Executor {
    private final Executor delegate;
    private final int limit;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private int running;

    /**
     * @param delegate where tasks run
     * @param limit    most tasks running at once, at least 1
     */
    public BoundedExecutor(Executor delegate, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.delegate = delegate;
        this.limit = limit;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running >= limit) {
                return;
            }
            running++;
        }
        try {
            delegate.execute(this::drain);
        } catch (RuntimeException e) {
            synchronized (tasks) {
                running--;
                tasks.remove(task);
            }
            throw e;
        }
    }

    /** @return whether tasks are queued or running */
    public boolean busy() {
        synchronized (tasks) {
            return running > 0 || !tasks.isEmpty();
        }
    }

    /** @return tasks queued and not yet started */
    public int queued() {
        synchronized (tasks) {
            return tasks.size();
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    running--;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                // Give the slot back and let the queue go on elsewhere before the failure propagates.
                synchronized (tasks) {
                    running--;
                }
                if (queued() > 0) {
                    execute(() -> { });
                }
                throw e;
            }
        }
    }
}
