package io.tamtam.query;

/** Answers queries of one name on this node. */
@FunctionalInterface
public interface QueryHandler {
    /**
     * Runs on the node's callback executor, never on a network thread.
     *
     * @param query the query
     * @return the answer, or null to answer nothing (the query is still acknowledged when asked); an
     *         answer longer than {@link QueryOptions#maxResponseBytes()} is not sent (the error handler is told)
     * @throws Exception reported to this node's error handler; nothing is sent back
     */
    byte[] answer(QueryRequest query) throws Exception;
}
