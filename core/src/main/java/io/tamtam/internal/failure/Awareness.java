package io.tamtam.internal.failure;

/**
 * Lifeguard's local health: a score from 0 (healthy) to {@code max - 1}. Missed acks, missing nacks and
 * being suspected raise it; successful probes lower it. Timeouts and the probe interval are multiplied
 * by {@code score + 1}, so a node that is itself slow stops accusing others. Changed on the protocol
 * thread only; the score may be read from any thread.
 */
public final class Awareness {
    private final int max;
    private volatile int score;

    /** @param max the multiplier cap (score stays below it) */
    public Awareness(int max) {
        this.max = max;
    }

    /** @param delta change of the score; the result is clamped */
    public void apply(int delta) {
        score = Math.max(0, Math.min(max - 1, score + delta));
    }

    /** @return the current score */
    public int score() {
        return score;
    }

    /**
     * @param nanos a base duration
     * @return the duration scaled by the current health
     */
    public long scale(long nanos) {
        return nanos * (score + 1);
    }
}
