package io.tamtam.services;

/** Told when service instances appear and vanish; runs on the callback executor, one event at a time. */
@FunctionalInterface
public interface ServiceListener {
    /** @param event the change */
    void onEvent(ServiceEvent event);
}
