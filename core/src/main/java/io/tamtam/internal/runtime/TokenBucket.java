package io.tamtam.internal.runtime;

/**
 * At most {@code burst} takes at once, refilled at {@code burst} per period: bounds how often a node does
 * costly work, or sends to an address, because a remote asked. Not thread-safe (one protocol thread).
 */
public final class TokenBucket {
    private final int burst;
    private final long periodNanos;
    private double tokens;
    private long at;

    /**
     * @param burst       most takes at once, and per period
     * @param periodNanos the refill period
     * @param nowNanos    the clock now (full to start)
     */
    public TokenBucket(int burst, long periodNanos, long nowNanos) {
        if (burst < 1 || periodNanos < 1) {
            throw new IllegalArgumentException("burst and period must be positive, not " + burst + " and " + periodNanos);
        }
        this.burst = burst;
        this.periodNanos = periodNanos;
        this.tokens = burst;
        this.at = nowNanos;
    }

    /**
     * @param nowNanos the clock now
     * @return whether a take was left (and is now used)
     */
    public boolean tryTake(long nowNanos) {
        tokens = Math.min(burst, tokens + (double) (nowNanos - at) * burst / periodNanos);
        at = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
