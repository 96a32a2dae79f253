package io.tamtam.internal.membership;

import io.tamtam.MembershipEvent;

import java.util.UUID;

/** Receives membership changes on the protocol thread; hands them to listeners elsewhere. */
@FunctionalInterface
public interface EventSink {
    /**
     * @param type          what happened
     * @param node          the member after the change
     * @param previous      the member before the change, or null for a node first seen
     * @param cause         why
     * @param source        whose message caused it, or null
     * @param confirmations independent confirmations of a suspicion that ended in DEAD, else 0
     */
    void emit(MembershipEvent.Type type, NodeSnapshot node, NodeSnapshot previous, MembershipEvent.Cause cause,
              UUID source, int confirmations);
}
