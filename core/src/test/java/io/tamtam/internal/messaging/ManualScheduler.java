package io.tamtam.internal.messaging;

import io.tamtam.spi.Scheduler;

import java.util.ArrayList;
import java.util.List;

/** Runs tasks at once and timers only when the test fires them. */
final class ManualScheduler implements Scheduler {
    final List<Runnable> scheduled = new ArrayList<>();

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        boolean[] cancelled = {false};
        scheduled.add(() -> {
            if (!cancelled[0]) {
                task.run();
            }
        });
        return () -> cancelled[0] = true;
    }

    void fire() {
        List<Runnable> due = new ArrayList<>(scheduled);
        scheduled.clear();
        due.forEach(Runnable::run);
    }
}
