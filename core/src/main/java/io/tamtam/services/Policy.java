package io.tamtam.services;

/** How one instance is picked among the live instances of a service. */
public enum Policy {
    /**
     * The instance with the smallest median probe round trip ({@link io.tamtam.ClusterStats#probeRoundTrips(java.util.UUID)});
     * an instance on this node counts as zero, an instance never probed yet comes last.
     */
    NEAREST,
    /** Each send takes the next instance, in node-id order. */
    ROUND_ROBIN,
    /**
     * Rendezvous (highest random weight) hashing of {@link Delivery#key()} over the instances' node ids:
     * a key goes to the same instance while the set of instances is unchanged, and only the keys of an
     * instance that vanished move when one does.
     */
    CONSISTENT_HASH
}
