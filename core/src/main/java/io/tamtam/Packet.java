package io.tamtam;

/**
 * A user message as delivered to a handler.
 *
 * @param sender  the node that sent or broadcast it (a snapshot; equal to any other snapshot of that
 *                node, see {@link Node})
 * @param type    the type it was sent with
 * @param payload the decoded payload
 * @param <T>     the payload class
 */
public record Packet<T>(Node sender, MessageType<T> type, T payload) {
}
