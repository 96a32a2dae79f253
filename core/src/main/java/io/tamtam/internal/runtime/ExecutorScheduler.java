package io.tamtam.internal.runtime;

import io.tamtam.spi.Scheduler;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/** The default {@link Scheduler}: one daemon platform thread per node. */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;
    private final BiConsumer<String, Throwable> errors;

    /**
     * @param threadName name of the protocol thread
     * @param errors     receives exceptions thrown by tasks
     */
    public ExecutorScheduler(String threadName, BiConsumer<String, Throwable> errors) {
        this.errors = errors;
        this.executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(threadName));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                errors.accept("protocol task", t);
            }
        };
    }

    @Override
    public void execute(Runnable task) {
        if (!executor.isShutdown()) {
            try {
                executor.execute(guarded(task));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing: the task is moot
            }
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        if (executor.isShutdown()) {
            return () -> { };
        }
        try {
            ScheduledFuture<?> f = executor.schedule(guarded(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return () -> { };
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
