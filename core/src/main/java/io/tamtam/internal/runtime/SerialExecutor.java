package io.tamtam.internal.runtime;

import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on an underlying executor, without holding a thread
 * between tasks. Used so that one listener or one sender's messages are handled in order.
 */
public final class SerialExecutor implements Executor {
    private final BoundedExecutor lane;

    /** @param delegate where tasks run */
    public SerialExecutor(Executor delegate) {
        this.lane = new BoundedExecutor(delegate, 1);
    }

    @Override
    public void execute(Runnable task) {
        lane.execute(task);
    }

    /** @return whether tasks are queued or running */
    public boolean busy() {
        return lane.busy();
    }

    /** @return whether tasks wait behind the one running (or next to run) */
    public boolean hasQueued() {
        return lane.queued() > 0;
    }
}
