package io.tamtam.internal.runtime;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on an underlying executor, without holding a thread
 * between tasks. Used so that one listener or one sender's messages are handled in order.
 */
public final class SerialExecutor implements Executor {
    private final Executor delegate;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    /** @param delegate where tasks run */
    public SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            delegate.execute(this::drain);
        } catch (RuntimeException e) {
            synchronized (tasks) {
                running = false;
                tasks.clear();
            }
            throw e;
        }
    }

    /** @return whether tasks are queued or running */
    public boolean busy() {
        synchronized (tasks) {
            return running || !tasks.isEmpty();
        }
    }

    /** @return whether tasks wait behind the one running (or next to run) */
    public boolean hasQueued() {
        synchronized (tasks) {
            return !tasks.isEmpty();
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.run();
        }
    }
}
