package io.tamtam;

/**
 * A user message as delivered to a handler.
 *
 * @param sender  the node that sent or broadcast it (a snapshot)
 * @param type    the message type it was sent with
 * @param payload the decoded payload
 * @param <T>     the payload class the handler was registered with
 */
public record Packet<T>(Node sender, int type, T payload) {
}
