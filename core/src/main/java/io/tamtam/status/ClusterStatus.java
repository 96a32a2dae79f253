package io.tamtam.status;

/**
 * The cluster's status as one node sees it at one moment.
 *
 * @param expectedSize how many nodes the cluster should have: as set by {@link Status#expectSize}, else the
 *                     most live members this node has seen at once (learned)
 * @param learned      whether {@code expectedSize} was learned rather than set
 * @param live         live members now (ALIVE or SUSPECT), this node included
 * @param quorumSize   live members a quorum needs: {@code expectedSize / 2 + 1}
 * @param quorum       whether {@code live >= quorumSize}
 * @param complete     whether {@code live >= expectedSize}
 */
public record ClusterStatus(int expectedSize, boolean learned, int live, int quorumSize, boolean quorum, boolean complete) {
}
