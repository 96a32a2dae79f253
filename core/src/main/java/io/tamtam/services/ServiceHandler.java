package io.tamtam.services;

/** Handles the messages and requests sent to one service instance. */
@FunctionalInterface
public interface ServiceHandler {
    /**
     * Runs on the node's callback executor, never on a network thread; messages from one sender run one
     * at a time, in arrival order.
     *
     * @param message the message
     * @return the reply to a request ({@link ServiceMessage#request()}); ignored for other messages; null
     *         replies with no bytes
     * @throws Exception a reliable sender or requester gets it as a {@link io.tamtam.RemoteException}
     */
    byte[] handle(ServiceMessage message) throws Exception;
}
