package io.tamtam.spi;

/**
 * A monotonic time source with nanosecond units, the only notion of time the protocol uses.
 *
 * <p>The default reads {@link System#nanoTime()}; the simulator in {@code tamtam-testkit} supplies a
 * virtual clock that tests advance by hand.
 */
@FunctionalInterface
public interface NanoClock {
    /** The system's monotonic clock. */
    NanoClock SYSTEM = System::nanoTime;

    /**
     * @return the current time in nanoseconds from an arbitrary origin; only differences are meaningful
     */
    long nanoTime();
}
