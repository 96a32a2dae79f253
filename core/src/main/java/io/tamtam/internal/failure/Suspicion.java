package io.tamtam.internal.failure;

import io.tamtam.spi.NanoClock;
import io.tamtam.spi.Scheduler;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Lifeguard's dynamic suspicion timeout. It starts at {@code max} and shrinks toward {@code min} as
 * independent members confirm the suspicion:
 * {@code timeout(c) = max(min, max - (max - min) * log(c + 1) / log(k + 1))} for c confirmations of the
 * k expected. Only the protocol thread uses it.
 */
public final class Suspicion {
    private final long incarnation;
    private final int k;
    private final long minNanos;
    private final long maxNanos;
    private final long startNanos;
    private final Set<UUID> confirmers = new HashSet<>();
    private final NanoClock clock;
    private final Scheduler scheduler;
    private final Runnable onTimeout;
    private Scheduler.Cancellable timer;
    private boolean done;

    /**
     * @param from        the member that raised the suspicion (counts as the first, not as a confirmation)
     * @param incarnation the incarnation suspected
     * @param k           confirmations expected
     * @param minNanos    shortest timeout
     * @param maxNanos    starting timeout
     * @param clock       the protocol clock
     * @param scheduler   the protocol scheduler
     * @param onTimeout   declares the member dead
     */
    public Suspicion(UUID from, long incarnation, int k, long minNanos, long maxNanos,
                     NanoClock clock, Scheduler scheduler, Runnable onTimeout) {
        this.incarnation = incarnation;
        this.k = Math.max(0, k);
        this.minNanos = minNanos;
        this.maxNanos = Math.max(minNanos, maxNanos);
        this.clock = clock;
        this.scheduler = scheduler;
        this.onTimeout = onTimeout;
        this.startNanos = clock.nanoTime();
        confirmers.add(from);
        arm(this.k == 0 ? minNanos : this.maxNanos);
    }

    /**
     * @param confirmations independent confirmations so far
     * @param k             confirmations expected
     * @param min           shortest timeout
     * @param max           starting timeout
     * @return the timeout in nanoseconds
     */
    public static long timeout(int confirmations, int k, long min, long max) {
        if (k < 1) {
            return min;
        }
        double frac = Math.log(confirmations + 1.0) / Math.log(k + 1.0);
        long t = (long) (max - frac * (max - min));
        return Math.max(t, min);
    }

    /**
     * @param config the settings
     * @param n      live members (alive or suspect), this node included
     * @return the shortest suspicion timeout: {@code suspicionMultiplier * log10(max(n, 10)) * probeInterval}
     */
    public static long minTimeoutNanos(io.tamtam.ClusterConfig config, int n) {
        return (long) (config.suspicionMultiplier() * Math.log10(Math.max(n, 10)) * config.probeInterval().toNanos());
    }

    /**
     * @param config the settings
     * @param n      live members (alive or suspect), this node included
     * @return the starting suspicion timeout: the shortest times {@code suspicionMaxMultiplier}
     */
    public static long maxTimeoutNanos(io.tamtam.ClusterConfig config, int n) {
        return minTimeoutNanos(config, n) * config.suspicionMaxMultiplier();
    }

    /** @return the incarnation this suspicion is about */
    public long incarnation() {
        return incarnation;
    }

    /** @return independent confirmations so far (the member that raised the suspicion not counted) */
    public int confirmations() {
        return confirmers.size() - 1;
    }

    /**
     * @param from a member that independently suspects the same incarnation
     * @return true when it is a new confirmation (worth passing on)
     */
    public boolean confirm(UUID from) {
        if (done || confirmers.size() - 1 >= k || !confirmers.add(from)) {
            return false;
        }
        long total = timeout(confirmers.size() - 1, k, minNanos, maxNanos);
        long elapsed = clock.nanoTime() - startNanos;
        timer.cancel();
        arm(Math.max(0, total - elapsed));
        return true;
    }

    private void arm(long delay) {
        timer = scheduler.schedule(() -> {
            if (!done) {
                done = true;
                onTimeout.run();
            }
        }, delay);
    }

    /** Stops the timer (the suspect refuted, or was declared otherwise). */
    public void cancel() {
        done = true;
        if (timer != null) {
            timer.cancel();
        }
    }
}
