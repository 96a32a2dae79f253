package io.tamtam;

/**
 * Application state exchanged during push-pull, so that an application can converge its own state with
 * the membership (memberlist's {@code LocalState} / {@code MergeRemoteState}).
 *
 * <p>The application publishes this node's state whenever it changes. Every push-pull exchange this node
 * takes part in (its join, the periodic anti-entropy exchange, reconnection to dead members, a seed's
 * follow-up after a join), in both directions, carries the state last published before the exchange;
 * nothing is sent at the moment of publishing. Each state received is handed to the handler registered
 * with {@link #onRemoteState}, on the callback executor. States travel only in direct exchanges, never
 * relayed: each node exchanges with one random live member every {@link ClusterConfig#pushPullInterval()}
 * (jittered, and scaled by N/32 beyond 32 members), so with N members a given pair exchanges about every
 * (N-1)/2 intervals on average. The same state may arrive many times, so merging must be idempotent.
 *
 * <pre>{@code
 * cluster.appState().onRemoteState(byte[].class, (from, state, join) -> merge(from.id(), state));
 * cluster.appState().publish(encode(localView));
 * }</pre>
 *
 * <p>Bounds: a state is at most {@link ClusterConfig#maxAppStateBytes()} bytes encoded; a larger one is
 * refused by {@link #publish}, and one received from another node is dropped and counted as
 * {@link DropReason#OVERSIZED} (the exchange's membership part is still applied). When states arrive
 * faster than the handler takes them, only the latest undelivered state of each node is kept; past
 * 32 MiB of undelivered states, further ones are dropped and counted as {@link DropReason#QUEUE_FULL}.
 * A state that cannot be decoded into the handler's class is dropped and counted as
 * {@link DropReason#UNDECODABLE_PAYLOAD}. Without a handler, received states are ignored.
 *
 * <p>Thread-safe.
 */
public interface AppState {

    /**
     * Sets the state this node sends in its next push-pull exchanges.
     *
     * @param state {@code byte[]} (copied), {@link String} (UTF-8) or an object the configured codec
     *              encodes
     * @throws IllegalArgumentException when the encoded state exceeds {@link ClusterConfig#maxAppStateBytes()},
     *                                  or the codec cannot encode it; the previous state stays then
     * @throws NullPointerException     when {@code state} is null; use {@link #clear()} to send none
     */
    void publish(Object state);

    /** Stops sending a state: later exchanges carry none, and other nodes' handlers are not called for this node. */
    void clear();

    /** @return a copy of the encoded state this node sends, or null when none is published */
    byte[] local();

    /**
     * Registers the handler that merges other nodes' states.
     *
     * @param stateClass the class states decode to ({@code byte[]}, {@code String}, or a codec type)
     * @param handler    the handler; see its threading contract
     * @param <T>        the state class
     * @return removes the handler when closed; states not yet handed over are then discarded
     * @throws IllegalStateException when a handler is already registered (close its subscription first),
     *                               or no codec can decode {@code stateClass}
     */
    <T> Subscription onRemoteState(Class<T> stateClass, RemoteStateHandler<T> handler);
}
