package io.tamtam;

/**
 * Answers requests of one type; the returned value is the reply.
 *
 * <p>Threading: as {@link MessageHandler}. A handler that throws fails the caller's future with a
 * {@link RemoteException} carrying the exception's message.
 *
 * @param <T> the request payload class
 * @param <R> the reply class
 */
@FunctionalInterface
public interface RequestHandler<T, R> {
    /**
     * @param request the request
     * @return the reply; null is sent as an empty reply
     * @throws Exception to fail the caller's future
     */
    R handle(Packet<T> request) throws Exception;
}
