package io.tamtam.internal.membership;

import io.tamtam.MembershipEvent;

/** Receives membership changes on the protocol thread; hands them to listeners elsewhere. */
@FunctionalInterface
public interface EventSink {
    /**
     * @param type what happened
     * @param node the member after the change
     */
    void emit(MembershipEvent.Type type, NodeSnapshot node);
}
