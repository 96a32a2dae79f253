package io.tamtam.testkit;

import io.tamtam.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

/**
 * The event loop of a {@link SimNetwork}: one queue of tasks ordered by (due time, insertion sequence),
 * run one at a time on the thread that drives it, in virtual time. The same tasks submitted in the same
 * order always run in the same order, which makes a simulation reproducible.
 *
 * <p>Driving: {@link #runFor}, {@link #runUntil} and {@link #step} move the {@link VirtualClock} straight
 * to the due time of each task they run; they must be called from the thread that created the loop, and
 * never from inside a task. A task that throws is caught and recorded ({@link #failures()}); the loop
 * carries on.
 *
 * <p>Submitting: {@link #execute} and {@link #schedule} may be called from any thread. A task submitted
 * from the driving thread is queued at once; one submitted from another thread (a user thread working a
 * stream, say) is queued when the loop next looks for work, so it breaks reproducibility only in
 * simulations that use other threads.
 *
 * <p>Cancellation only flags a task; the loop discards it when it reaches it.
 */
public final class SimScheduler implements Scheduler {

    private static final Logger log = LoggerFactory.getLogger(SimScheduler.class);
    private static final int MAX_RECORDED_FAILURES = 1000;

    private final VirtualClock clock;
    private final Thread owner;
    private final ConcurrentLinkedQueue<SimTask> inbox = new ConcurrentLinkedQueue<>();
    private final List<TaskFailure> failures = new ArrayList<>();
    private volatile boolean inboxPending;
    private SimTask[] heap = new SimTask[1024];
    private int size;
    private long nextSeq;
    private long nextResumeSeq = Long.MIN_VALUE;
    private long tasksRun;
    private long failureCount;
    private boolean running;

    /**
     * Creates a loop driven by the calling thread.
     *
     * @param clock the clock the loop advances
     */
    public SimScheduler(VirtualClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.owner = Thread.currentThread();
    }

    /** @return the clock this loop advances */
    public VirtualClock clock() {
        return clock;
    }

    /**
     * Runs a network-level task (one that belongs to no node) as soon as possible.
     *
     * @param task the task; must not block
     */
    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    /**
     * Runs a network-level task (one that belongs to no node, so pausing or crashing a node never holds
     * it) after a virtual delay; useful to inject faults at a given time.
     *
     * @param task       the task; must not block
     * @param delayNanos virtual delay in nanoseconds, zero or more
     * @return cancels the task if it has not run
     */
    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        SimTask t = new SimTask(Objects.requireNonNull(task, "task"), null);
        submit(t, delayNanos);
        return t;
    }

    /**
     * As {@link #schedule(Runnable, long)}.
     *
     * @param task  the task; must not block
     * @param delay virtual delay, zero or more
     * @return cancels the task if it has not run
     */
    public Cancellable schedule(Runnable task, Duration delay) {
        return schedule(task, delay.toNanos());
    }

    /**
     * Runs the next task that is due, advancing the clock to its due time. Cancelled tasks and tasks of
     * crashed nodes are discarded on the way; tasks of paused nodes are set aside for when they resume.
     *
     * @return whether a task ran; false when nothing is queued
     */
    public boolean step() {
        enter();
        try {
            return runNext(Long.MAX_VALUE);
        } finally {
            running = false;
        }
    }

    /**
     * Runs every task due within {@code duration} of virtual time, then sets the clock to the end of it.
     *
     * @param duration how much virtual time to simulate, zero or more
     */
    public void runFor(Duration duration) {
        long d = nonNegative(duration, "duration");
        enter();
        try {
            long deadline = saturatedAdd(clock.nanoTime(), d);
            while (runNext(deadline)) {
                // runNext does the work
            }
            clock.advanceTo(deadline);
        } finally {
            running = false;
        }
    }

    /**
     * Runs tasks until {@code condition} holds, checking it once per virtual millisecond in which a task
     * ran (tasks due in the same millisecond run as one batch), or until {@code maxVirtual} passed.
     * When it returns true, the clock reads the due time of the last task run, so
     * {@code clock().now()} tells how long the condition took to the millisecond.
     *
     * @param condition  the goal; called on the driving thread between tasks, so it may read any node
     * @param maxVirtual the most virtual time to simulate
     * @return whether the condition holds
     */
    public boolean runUntil(BooleanSupplier condition, Duration maxVirtual) {
        return runUntil(condition, maxVirtual, Duration.ofMillis(1));
    }

    /**
     * As {@link #runUntil(BooleanSupplier, Duration)}, checking the condition at most once per
     * {@code checkEvery} of virtual time: use a coarser step for a condition that is costly to evaluate,
     * such as one that reads every member list of a large network.
     *
     * @param condition  the goal
     * @param maxVirtual the most virtual time to simulate
     * @param checkEvery the virtual time between checks, at least 1 ns
     * @return whether the condition holds
     */
    public boolean runUntil(BooleanSupplier condition, Duration maxVirtual, Duration checkEvery) {
        Objects.requireNonNull(condition, "condition");
        long max = nonNegative(maxVirtual, "maxVirtual");
        long step = nonNegative(checkEvery, "checkEvery");
        if (step == 0) {
            throw new IllegalArgumentException("checkEvery must be positive, was " + checkEvery);
        }
        enter();
        try {
            long deadline = saturatedAdd(clock.nanoTime(), max);
            if (condition.getAsBoolean()) {
                return true;
            }
            while (true) {
                long next = nextDue();
                if (next > deadline) {
                    clock.advanceTo(deadline);
                    return condition.getAsBoolean();
                }
                long limit = Math.min(deadline, saturatedAdd(Math.max(next, clock.nanoTime()), step - 1));
                boolean ran = false;
                while (runNext(limit)) {
                    ran = true;
                }
                if (ran && condition.getAsBoolean()) {
                    return true;
                }
            }
        } finally {
            running = false;
        }
    }

    /** @return how many tasks ran so far */
    public long tasksRun() {
        return tasksRun;
    }

    /** @return how many tasks are queued, cancelled ones not yet discarded included */
    public int queuedTasks() {
        return size;
    }

    /**
     * @return the first failures recorded (at most 1000), in the order they happened; an unmodifiable
     *         copy
     */
    public List<TaskFailure> failures() {
        return List.copyOf(failures);
    }

    /** @return how many tasks threw, those not kept in {@link #failures()} included */
    public long failureCount() {
        return failureCount;
    }

    // ------------------------------------------------------------------ package-private, used by views

    /**
     * Queues a task; from the driving thread at once, from another thread through the inbox.
     *
     * @param t          the task
     * @param delayNanos virtual delay, zero or more
     */
    void submit(SimTask t, long delayNanos) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("delayNanos must be zero or more, was " + delayNanos);
        }
        t.due = saturatedAdd(clock.nanoTime(), delayNanos);
        if (Thread.currentThread() == owner) {
            t.seq = nextSeq++;
            push(t);
        } else {
            inbox.add(t);
            inboxPending = true;
        }
    }

    /**
     * Queues a task held while its node was paused: it runs now, before anything else due now, in the
     * order held tasks were resubmitted.
     */
    void resubmit(SimTask t) {
        t.due = clock.nanoTime();
        t.seq = nextResumeSeq++;
        push(t);
    }

    /** @throws IllegalStateException when the caller is not the driving thread */
    void checkDriver(String operation) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(operation + " must be called from the thread that created the "
                    + "simulated network (" + owner.getName() + "), not from " + Thread.currentThread().getName());
        }
    }

    // ------------------------------------------------------------------ the loop

    private void enter() {
        checkDriver("running the event loop");
        if (running) {
            throw new IllegalStateException("the event loop is already running: do not drive the simulated "
                    + "network from inside one of its tasks or callbacks");
        }
        running = true;
    }

    private boolean runNext(long limit) {
        if (inboxPending) {
            drainInbox();
        }
        while (size > 0) {
            SimTask t = heap[0];
            if (t.due > limit) {
                return false;
            }
            pop();
            if (t.isCancelled()) {
                continue;
            }
            NodeScheduler o = t.owner;
            if (o != null) {
                NodeScheduler.State s = o.state();
                if (s != NodeScheduler.State.RUNNING) {
                    if (s == NodeScheduler.State.PAUSED) {
                        o.hold(t);
                    }
                    continue;
                }
            }
            clock.advanceTo(t.due);
            tasksRun++;
            try {
                t.run();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                recordFailure(o, e);
            }
            return true;
        }
        return false;
    }

    private long nextDue() {
        if (inboxPending) {
            drainInbox();
        }
        return size == 0 ? Long.MAX_VALUE : heap[0].due;
    }

    private void drainInbox() {
        inboxPending = false;
        for (SimTask t; (t = inbox.poll()) != null; ) {
            if (t.due < clock.nanoTime()) {
                t.due = clock.nanoTime();
            }
            t.seq = nextSeq++;
            push(t);
        }
    }

    private void recordFailure(NodeScheduler node, Throwable e) {
        recordFailure(node == null ? "network" : node.name(), e);
    }

    /**
     * Records a failure that did not escape a task, such as one a cluster reported to its error handler.
     *
     * @param name who failed, and in what
     * @param e    the failure
     */
    void recordFailure(String name, Throwable e) {
        failureCount++;
        if (failures.size() < MAX_RECORDED_FAILURES) {
            failures.add(new TaskFailure(clock.now(), name, e));
        }
        if (failureCount == 1) {
            log.warn("Simulated {} failed at {} ms virtual time; the loop carries on "
                    + "(SimNetwork.failures() lists every failure)", name, clock.millis(), e);
        } else {
            log.debug("Simulated {} failed at {} ms virtual time", name, clock.millis(), e);
        }
    }

    // ------------------------------------------------------------------ binary heap on (due, seq)

    private void push(SimTask t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size++;
        SimTask[] h = heap;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            SimTask p = h[parent];
            if (!t.before(p)) {
                break;
            }
            h[i] = p;
            i = parent;
        }
        h[i] = t;
    }

    private void pop() {
        SimTask[] h = heap;
        int n = --size;
        SimTask last = h[n];
        h[n] = null;
        if (n == 0) {
            return;
        }
        int i = 0;
        int half = n >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            SimTask c = h[child];
            int right = child + 1;
            if (right < n && h[right].before(c)) {
                child = right;
                c = h[right];
            }
            if (!c.before(last)) {
                break;
            }
            h[i] = c;
            i = child;
        }
        h[i] = last;
    }

    private static long nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or more, was " + d);
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
