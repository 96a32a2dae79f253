package io.tamtam.testkit;

import io.tamtam.spi.Scheduler;

import java.util.ArrayDeque;

/**
 * One node's view of the network's single event loop. Every task it accepts is tagged with the node, so
 * that the node can be paused (its tasks are held and run late, in order, when it resumes: a
 * stop-the-world stall) or crashed (its tasks are dropped forever).
 *
 * <p>Threading: tasks run on the thread that drives the network, one at a time, so two tasks of this node
 * never run concurrently. Submitting from another thread is allowed; see {@link SimScheduler}.
 */
final class NodeScheduler implements Scheduler {

    /** Where a node stands, as far as running its tasks goes. */
    enum State {
        /** Tasks run when due. */
        RUNNING,
        /** Tasks that fall due are held until the node resumes. */
        PAUSED,
        /** Tasks are dropped. */
        CRASHED
    }

    private static final Cancellable NOTHING = () -> { };

    private final SimScheduler loop;
    private final String name;
    private final ArrayDeque<SimTask> held = new ArrayDeque<>();
    private volatile State state = State.RUNNING;

    NodeScheduler(SimScheduler loop, String name) {
        this.loop = loop;
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        if (state == State.CRASHED) {
            return NOTHING;
        }
        SimTask t = new SimTask(task, this);
        loop.submit(t, delayNanos);
        return t;
    }

    /**
     * Queues a prepared task (a delivery) for this node; dropped at once when the node crashed.
     *
     * @param task       the task, whose owner is this view
     * @param delayNanos virtual delay
     */
    void submit(SimTask task, long delayNanos) {
        if (state != State.CRASHED) {
            loop.submit(task, delayNanos);
        }
    }

    State state() {
        return state;
    }

    String name() {
        return name;
    }

    /** Called by the loop for a due task while this node is paused. */
    void hold(SimTask task) {
        held.add(task);
    }

    void pause() {
        if (state == State.RUNNING) {
            state = State.PAUSED;
        }
    }

    /** Runs the held tasks next, in the order they fell due. */
    void resume() {
        if (state != State.PAUSED) {
            return;
        }
        state = State.RUNNING;
        for (SimTask t; (t = held.poll()) != null; ) {
            loop.resubmit(t);
        }
    }

    void crash() {
        state = State.CRASHED;
        held.clear();
    }
}
