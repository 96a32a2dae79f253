package io.tamtam;

/**
 * Receives membership changes.
 *
 * <p>Threading: called on the cluster's callback executor, never on a protocol or network thread, and
 * never concurrently for one listener: events reach a listener one at a time, in the order this node
 * saw them. A listener that blocks delays only its own later events; one that throws is reported to
 * the error handler and keeps receiving events.
 */
@FunctionalInterface
public interface MembershipListener {
    /** @param event the change */
    void onEvent(MembershipEvent event);
}
