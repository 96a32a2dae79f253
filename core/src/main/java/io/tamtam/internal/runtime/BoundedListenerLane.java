package io.tamtam.internal.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * One listener's serial lane on the callback executor, holding at most {@link #MAX_QUEUED} calls: a
 * listener that far behind (it blocks) misses later calls until it catches up; each missed call is
 * counted and the error handler told once per backlog. A call that throws is reported. Thread-safe.
 */
public final class BoundedListenerLane {
    /** Most calls waiting for one listener. */
    public static final int MAX_QUEUED = 65_536;

    private final SerialExecutor lane;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean behind = new AtomicBoolean();
    private final LongAdder missed;
    private final BiConsumer<String, Throwable> errors;
    private final String what;

    /**
     * @param callbacks runs the calls
     * @param missed    counts the calls missed (may be shared by several lanes)
     * @param errors    told a call's failure, and once per backlog that calls are missed
     * @param what      names the listener in those reports, e.g. "service listener"
     */
    public BoundedListenerLane(Executor callbacks, LongAdder missed, BiConsumer<String, Throwable> errors, String what) {
        this.lane = new SerialExecutor(callbacks);
        this.missed = missed;
        this.errors = errors;
        this.what = what;
    }

    /** @param call the listener's call, queued behind the ones before it unless {@link #MAX_QUEUED} wait */
    public void call(Runnable call) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            missed.increment();
            if (behind.compareAndSet(false, true)) {
                errors.accept(what, new IllegalStateException("a " + what + " is " + MAX_QUEUED
                        + " events behind (it blocks?): later events are dropped until it catches up"));
            }
            return;
        }
        try {
            lane.execute(() -> {
                queued.decrementAndGet();
                behind.set(false);
                run(call, what);
            });
        } catch (RuntimeException rejected) {
            queued.decrementAndGet();
        }
    }

    /**
     * Queues a call outside the bound (a listener's first call, say), reported as {@code context} if it throws.
     *
     * @param call    the call
     * @param context names it in a report
     */
    public void callFirst(Runnable call, String context) {
        lane.execute(() -> run(call, context));
    }

    private void run(Runnable call, String context) {
        try {
            call.run();
        } catch (RuntimeException | Error t) {
            errors.accept(context, t);
        }
    }
}
