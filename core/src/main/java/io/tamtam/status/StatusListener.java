package io.tamtam.status;

/** Told when the cluster gains or loses its quorum or completeness; runs on the callback executor, in order. */
@FunctionalInterface
public interface StatusListener {
    /** @param event the change */
    void onEvent(StatusEvent event);
}
