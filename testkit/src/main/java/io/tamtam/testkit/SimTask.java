package io.tamtam.testkit;

import io.tamtam.spi.Scheduler;

/**
 * One entry of the event loop's queue: a due time, an insertion sequence that breaks ties, the node it
 * belongs to and what to run. It is its own cancellation handle (cancellation only sets a flag; the loop
 * discards the entry when it reaches it). Deliveries of the simulated transports subclass it so that a
 * packet in flight costs one object besides its bytes.
 */
class SimTask implements Scheduler.Cancellable {

    /** Virtual time, in nanoseconds, at which the task is due. */
    long due;
    /** Insertion order; breaks ties between tasks due at the same time. */
    long seq;
    /** The node view the task belongs to, or null for a network-level task. */
    NodeScheduler owner;
    private Runnable task;
    private boolean cancelled;

    SimTask(Runnable task, NodeScheduler owner) {
        this.task = task;
        this.owner = owner;
    }

    /** For subclasses that override {@link #run()}. */
    SimTask(NodeScheduler owner) {
        this.owner = owner;
    }

    /** Runs the task; called by the event loop only. */
    void run() {
        task.run();
    }

    boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void cancel() {
        cancelled = true;
        task = null;
    }

    /** @return whether this task runs before {@code other} */
    final boolean before(SimTask other) {
        return due < other.due || (due == other.due && seq < other.seq);
    }
}
