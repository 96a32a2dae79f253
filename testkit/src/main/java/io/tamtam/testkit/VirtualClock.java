package io.tamtam.testkit;

import io.tamtam.spi.NanoClock;

import java.time.Duration;

/**
 * The virtual time of a {@link SimNetwork}: starts at 0 and moves only when the network's
 * {@link SimScheduler} runs tasks, jumping straight to each task's due time. Nothing waits in real time.
 *
 * <p>Threading: read it from any thread; only the event loop advances it.
 */
public final class VirtualClock implements NanoClock {

    private volatile long now;

    /** Creates a clock at virtual time 0. */
    public VirtualClock() {
    }

    /** @return nanoseconds of virtual time since the clock was created */
    @Override
    public long nanoTime() {
        return now;
    }

    /** @return the virtual time since the clock was created */
    public Duration now() {
        return Duration.ofNanos(now);
    }

    /** @return whole milliseconds of virtual time since the clock was created */
    public long millis() {
        return now / 1_000_000L;
    }

    /**
     * Moves the clock forward; called by the event loop only.
     *
     * @param nanos the new time, never earlier than the current one
     */
    void advanceTo(long nanos) {
        if (nanos > now) {
            now = nanos;
        }
    }
}
