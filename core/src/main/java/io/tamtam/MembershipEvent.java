package io.tamtam;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A change in the membership as this node sees it.
 *
 * @param type             what happened
 * @param node             the member after the change
 * @param previousState    the member's state before the change; null for a node first seen ({@link Cause#DISCOVERED})
 * @param previousMetadata the member's metadata before the change (for {@link Type#UPDATED}: what it
 *                         replaced); empty for a node first seen
 * @param clockNanos       when this node applied the change, on its clock ({@link ClusterConfig#clock()},
 *                         {@code System.nanoTime()} unless configured): comparable between events of one node
 * @param cause            why
 * @param source           the node whose message caused the change: the suspecter for SUSPECT, the node that
 *                         declared DEAD (this node when its own suspicion timed out), the member itself for
 *                         JOINED, ALIVE, UPDATED and LEFT; null for REMOVED
 * @param confirmations    for DEAD after a suspicion: how many other members confirmed the suspicion
 *                         (Lifeguard's independent confirmations); 0 otherwise
 */
public record MembershipEvent(Type type, Node node, NodeState previousState, Map<String, String> previousMetadata,
                              long clockNanos, Cause cause, UUID source, int confirmations) {

    /** Kinds of membership change. */
    public enum Type {
        /** A node became known and alive, or came back after being DEAD or LEFT. */
        JOINED,
        /** A node's metadata, address or application version changed. */
        UPDATED,
        /** A node missed probes and is suspected. */
        SUSPECT,
        /** A suspected node refuted the suspicion and is alive again. */
        ALIVE,
        /** A node was declared failed. */
        DEAD,
        /** A node left gracefully. */
        LEFT,
        /** A dead or left node was forgotten after {@link ClusterConfig#deadNodeRetention()}. */
        REMOVED
    }

    /** Why a change happened. */
    public enum Cause {
        /** A node this node had not known announced itself ALIVE (directly, in gossip or in a state exchange). */
        DISCOVERED,
        /** A DEAD or LEFT node announced itself ALIVE with a newer incarnation (it restarted or was wrongly declared dead). */
        REJOINED,
        /** A suspected node announced a newer incarnation: it refuted the suspicion. */
        REFUTED,
        /** A node announced new metadata (or address, or application version). */
        METADATA_CHANGED,
        /** A member's probe failed: this node (or {@link #source()}, in gossip) suspects it. */
        SUSPECTED,
        /** The suspicion timed out on this node: it declared the node DEAD ({@link #confirmations()} say how many others agreed). */
        SUSPICION_CONFIRMED,
        /** Another member declared the node DEAD and this node accepted it. */
        DECLARED_DEAD,
        /** The node announced that it leaves. */
        LEFT,
        /** The retention of a DEAD or LEFT member ran out. */
        REAPED
    }

    /**
     * @param type             what happened
     * @param node             the member after the change
     * @param previousState    the state before, or null for a node first seen
     * @param previousMetadata the metadata before
     * @param clockNanos       when, on this node's clock
     * @param cause            why
     * @param source           whose message caused it, or null
     * @param confirmations    independent confirmations of a suspicion
     */
    public MembershipEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(previousMetadata, "previousMetadata");
        Objects.requireNonNull(cause, "cause");
    }
}
