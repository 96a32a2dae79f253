package io.tamtam.status;

import io.tamtam.Subscription;

/**
 * Readiness of the cluster as this node sees it: given an expected size, whether a quorum of it is
 * alive and whether all of it is. The expected size is the one set with {@link #expectSize}; until then
 * (or after {@code expectSize(0)}) it is learned: the most live members this node has seen at once, so a
 * node that was part of a complete cluster of 5 reports "complete lost" when one of them fails.
 */
public interface Status {
    /** @return the status now */
    ClusterStatus current();

    /**
     * Sets the expected cluster size; events follow at once if quorum or completeness change.
     *
     * @param nodes the expected number of nodes, or 0 to learn it from the membership
     * @throws IllegalArgumentException when negative
     */
    void expectSize(int nodes);

    /**
     * @param listener told of each later change
     * @return removes it when closed
     */
    Subscription addListener(StatusListener listener);
}
