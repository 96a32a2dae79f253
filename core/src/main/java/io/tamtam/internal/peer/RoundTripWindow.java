package io.tamtam.internal.peer;

import io.tamtam.ClusterStats;

import java.time.Duration;
import java.util.Arrays;

/**
 * The most recent round-trip times, in a ring: it starts with room for {@value #FIRST_ROOM} samples and
 * doubles up to its capacity as samples come (a node keeps one per member it probed, and in a large
 * cluster most of them hold a sample or two); once full, recording overwrites the oldest sample and
 * allocates nothing. A summary sorts a copy. Thread-safe.
 */
public final class RoundTripWindow {
    private static final ClusterStats.RoundTrips EMPTY =
            new ClusterStats.RoundTrips(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** Room for samples a window starts with. */
    static final int FIRST_ROOM = 4;

    private final int capacity;
    private long[] samples;
    private int next;
    private int size;

    /** @param capacity how many recent samples are kept */
    public RoundTripWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a round-trip window keeps at least one sample, not " + capacity);
        }
        this.capacity = capacity;
        this.samples = new long[Math.min(FIRST_ROOM, capacity)];
    }

    /** @param nanos one round trip */
    public synchronized void record(long nanos) {
        if (size == samples.length && size < capacity) {
            // filled in order, never overwritten yet: the next sample goes after them
            samples = Arrays.copyOf(samples, Math.min(capacity, size * 2));
            next = size;
        }
        samples[next] = nanos;
        next = (next + 1) % samples.length;
        if (size < samples.length) {
            size++;
        }
    }

    /** @return how many samples are held */
    public synchronized int size() {
        return size;
    }

    /** @return percentiles of the samples held (nearest rank); all zero when there are none */
    public ClusterStats.RoundTrips summary() {
        long[] copy;
        synchronized (this) {
            if (size == 0) {
                return EMPTY;
            }
            copy = Arrays.copyOf(samples, size);
        }
        Arrays.sort(copy);
        return new ClusterStats.RoundTrips(copy.length, rank(copy, 50), rank(copy, 90), rank(copy, 99),
                Duration.ofNanos(copy[copy.length - 1]));
    }

    private static Duration rank(long[] sorted, int percent) {
        int i = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return Duration.ofNanos(sorted[Math.max(0, Math.min(sorted.length - 1, i))]);
    }
}
