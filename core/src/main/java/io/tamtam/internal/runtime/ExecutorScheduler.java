package io.tamtam.internal.runtime;

import io.tamtam.spi.Scheduler;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BiConsumer;

/**
 * The default {@link Scheduler}: one daemon platform thread per node, which runs the node's tasks as one
 * {@link LaneScheduler} lane, so that urgent tasks (probes, their answers, broadcasts to pass on) go
 * ahead of other queued protocol work here too.
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;
    private final LaneScheduler lane;

    /**
     * @param threadName name of the protocol thread
     * @param errors     receives exceptions thrown by tasks
     */
    public ExecutorScheduler(String threadName, BiConsumer<String, Throwable> errors) {
        this.executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadName));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.lane = new LaneScheduler(new LaneScheduler.Lanes(executor), errors);
    }

    @Override
    public void execute(Runnable task) {
        lane.execute(task);
    }

    @Override
    public void executeUrgent(Runnable task) {
        lane.executeUrgent(task);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        return lane.schedule(task, delayNanos);
    }

    @Override
    public void close() {
        lane.close();
        executor.shutdownNow();
    }
}
