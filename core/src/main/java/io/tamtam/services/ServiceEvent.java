package io.tamtam.services;

/**
 * An instance of a service appeared or vanished, as this node sees it.
 *
 * @param type     what happened
 * @param instance the instance
 */
public record ServiceEvent(Type type, ServiceInstance instance) {
    /** Kinds of change. */
    public enum Type {
        /** A live node registered the service, or a node that has it became live (joined, came back). */
        APPEARED,
        /** The node unregistered the service, or was declared dead, or left. */
        VANISHED
    }
}
