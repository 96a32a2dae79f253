package io.tamtam;

/** Where a member stands, as this node sees it. */
public enum NodeState {
    /** Answers probes, or refuted the last suspicion. */
    ALIVE,
    /** Missed a probe; others are asked to confirm before it is declared dead. */
    SUSPECT,
    /** Declared failed after its suspicion timed out. */
    DEAD,
    /** Announced a graceful leave. */
    LEFT
}
