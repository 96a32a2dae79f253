package io.tamtam;

/**
 * Merges another node's application state into this node's (memberlist's {@code MergeRemoteState}).
 * See {@link AppState} for when it is called.
 *
 * <p>Threading: called on the cluster's callback executor, never on a protocol or network thread, one
 * call at a time and never concurrently with itself. An exception is counted in
 * {@link ClusterStats#callbackErrors()} and reported to the error handler; the next state is still handed over.
 *
 * @param <T> the class states decode to
 */
@FunctionalInterface
public interface RemoteStateHandler<T> {
    /**
     * @param from  the node whose state this is, as this node knows it when the call is made
     * @param state its state as it last published it before the exchange
     * @param join  true when the state came with a join: this node joining through {@code from}, or
     *              {@code from} joining through this node
     * @throws Exception to report a failure
     */
    void onRemoteState(Node from, T state, boolean join) throws Exception;
}
