package io.tamtam;

/**
 * Handles the user messages of one type, whether sent directly or broadcast.
 *
 * <p>Threading: called on the cluster's callback executor, never on a protocol or network thread.
 * Messages of one sender reach the handler one at a time, in the order they arrived; different senders
 * may be handled concurrently. Messages sent with {@link Cluster#sendReliable} arrive in send order;
 * best-effort ones ({@link Cluster#send}) and broadcasts may arrive out of send order (datagrams can be
 * reordered, and a burst may spill onto the stream path, see {@link ClusterConfig#datagramBurstLimit()}). An exception is reported to the error handler (and, for a reliable send, to the
 * sender's future); it never stops the protocol.
 *
 * @param <T> the payload class
 */
@FunctionalInterface
public interface MessageHandler<T> {
    /**
     * @param packet the message
     * @throws Exception to report a failure
     */
    void handle(Packet<T> packet) throws Exception;
}
