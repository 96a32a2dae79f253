package io.tamtam;

import java.util.Objects;

/**
 * A change in the membership as this node sees it.
 *
 * @param type what happened
 * @param node the member after the change
 */
public record MembershipEvent(Type type, Node node) {

    /** Kinds of membership change. */
    public enum Type {
        /** A node became known and alive. */
        JOINED,
        /** A node's metadata changed. */
        UPDATED,
        /** A node missed probes and is suspected. */
        SUSPECT,
        /** A suspected node refuted the suspicion and is alive again. */
        ALIVE,
        /** A node was declared failed. */
        DEAD,
        /** A node left gracefully. */
        LEFT,
        /** A dead or left node was forgotten. */
        REMOVED
    }

    /**
     * @param type what happened
     * @param node the member after the change
     */
    public MembershipEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(node, "node");
    }
}
