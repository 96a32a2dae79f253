package io.tamtam.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * The fault settings of a link between two simulated nodes, in one direction
 * ({@link SimNetwork#link(SimNode, SimNode)}) or both ({@link SimNetwork#linkBoth(SimNode, SimNode)}).
 * A setting not given here follows the network's default; {@link #reset()} returns to it.
 *
 * <pre>{@code
 * network.link(a, b).loss(0.3);                          // 30 % of a -> b datagrams lost
 * network.linkBoth(a, b).latency(Duration.ofMillis(80))  // a WAN hop, both ways
 *                       .jitter(Duration.ofMillis(20));
 * }</pre>
 *
 * <p>Loss applies to datagrams only (frames and streams are reliable). Latency and jitter apply to
 * datagrams, frames and stream set-up: each packet takes latency plus a uniformly drawn part of the
 * jitter, so jitter reorders datagrams (never frames). Changes apply to packets sent afterwards.
 *
 * <p>Threading: use it from the thread that drives the network.
 */
public final class SimLink {

    private final DirectedLink[] directions;

    SimLink(DirectedLink... directions) {
        this.directions = directions;
    }

    /**
     * @param probability chance that a datagram on this link is lost, from 0 to 1
     * @return this
     */
    public SimLink loss(double probability) {
        checkLoss(probability);
        for (DirectedLink d : directions) {
            d.loss = probability;
        }
        return this;
    }

    /**
     * @param latency one-way delay of every packet, zero or more
     * @return this
     */
    public SimLink latency(Duration latency) {
        long n = checkDuration(latency, "latency");
        for (DirectedLink d : directions) {
            d.latencyNanos = n;
        }
        return this;
    }

    /**
     * @param jitter the most extra delay, drawn uniformly per packet, zero or more
     * @return this
     */
    public SimLink jitter(Duration jitter) {
        long n = checkDuration(jitter, "jitter");
        for (DirectedLink d : directions) {
            d.jitterNanos = n;
        }
        return this;
    }

    /**
     * Cuts every datagram (loss 1); frames still pass. Use {@link SimNetwork#partition} to cut every kind
     * of traffic.
     *
     * @return this
     */
    public SimLink drop() {
        return loss(1.0);
    }

    /**
     * Returns every setting of this link to the network's default.
     *
     * @return this
     */
    public SimLink reset() {
        for (DirectedLink d : directions) {
            d.loss = Double.NaN;
            d.latencyNanos = -1;
            d.jitterNanos = -1;
        }
        return this;
    }

    static void checkLoss(double probability) {
        if (!(probability >= 0.0 && probability <= 1.0)) {
            throw new IllegalArgumentException("loss must be a probability from 0 to 1, was " + probability);
        }
    }

    static long checkDuration(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or more, was " + d);
        }
        return d.toNanos();
    }
}
