package io.tamtam.internal.runtime;

import io.tamtam.spi.Scheduler;

/** Schedulers for unit tests. */
public final class TestSchedulers {
    /** Runs tasks at once on the caller's thread; timers never fire. */
    public static final Scheduler INLINE_NO_TIMERS = new Scheduler() {
        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            return () -> { };
        }
    };

    private TestSchedulers() {
    }
}
