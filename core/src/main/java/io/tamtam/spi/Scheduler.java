package io.tamtam.spi;

/**
 * Runs protocol tasks one at a time, in order, now or after a delay.
 *
 * <p>All protocol state of a cluster node is touched only from tasks of its scheduler, so a scheduler
 * must never run two tasks of the same node concurrently. The default implementation is one platform
 * thread per node; the simulator runs every node of a network on one virtual-time event loop.
 *
 * <p>Tasks must not block. A task that throws is reported to the cluster's error handler and the
 * scheduler keeps running.
 */
public interface Scheduler {

    /**
     * Runs {@code task} as soon as possible, after every task submitted before it.
     *
     * @param task the task; must not block
     */
    void execute(Runnable task);

    /**
     * Runs a latency-sensitive {@code task} (a probe's answer, a broadcast to pass on) as soon as possible:
     * a scheduler may run it before tasks given to {@link #execute} that have not started. Urgent tasks
     * run in the order they were submitted. This default runs it as {@link #execute} does.
     *
     * @param task the task; must not block
     */
    default void executeUrgent(Runnable task) {
        execute(task);
    }

    /**
     * Runs {@code task} once after {@code delayNanos} nanoseconds of the scheduler's clock.
     *
     * @param task       the task; must not block
     * @param delayNanos delay in nanoseconds, zero or more
     * @return a handle that cancels the task if it has not started
     */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduled task that can still be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task; has no effect when it already ran or was cancelled. */
        void cancel();
    }
}
