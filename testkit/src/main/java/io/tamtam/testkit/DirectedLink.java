package io.tamtam.testkit;

/**
 * The fault settings of the link from one node to another, each of which may be left to the network's
 * default.
 */
final class DirectedLink {

    /** Loss probability, or NaN for the network default. */
    double loss = Double.NaN;
    /** Latency in nanoseconds, or -1 for the network default. */
    long latencyNanos = -1;
    /** Jitter in nanoseconds, or -1 for the network default. */
    long jitterNanos = -1;
}
