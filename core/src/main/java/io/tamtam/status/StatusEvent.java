package io.tamtam.status;

/**
 * The cluster gained or lost its quorum or its completeness.
 *
 * @param type   what changed
 * @param status the status after the change
 */
public record StatusEvent(Type type, ClusterStatus status) {
    /** Kinds of change. */
    public enum Type {
        /** A quorum of the expected size is now alive (communicator's CLUSTER_UP). */
        QUORUM_UP,
        /** Fewer than a quorum are alive now (communicator's CLUSTER_DOWN). */
        QUORUM_LOST,
        /** Every expected node is alive now (communicator's CLUSTER_COMPLETE). */
        COMPLETE_UP,
        /** Not every expected node is alive any more (communicator's CLUSTER_INCOMPLETE). */
        COMPLETE_LOST
    }
}
