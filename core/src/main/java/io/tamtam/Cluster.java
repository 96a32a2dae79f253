package io.tamtam;

import io.tamtam.internal.ClusterNode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One node of a TamTam cluster: membership, metadata, messages, broadcasts and streams.
 *
 * <pre>{@code
 * try (Cluster cluster = Cluster.create(ClusterConfig.lan().build())) {
 *     cluster.handle(CHAT, String.class, p -> log.info("{}: {}", p.sender().id(), p.payload()));
 *     cluster.join(new InetSocketAddress("10.0.0.1", 7946)).join();
 *     cluster.broadcast(CHAT, "hello");
 *     ...
 *     cluster.leave(Duration.ofSeconds(2)).join();
 * }
 * }</pre>
 *
 * <p>Every method is thread-safe. Futures complete off the protocol and network threads: on threads of
 * the node's own with the default callback pool, on the callback executor when one is configured. If user
 * code holds up completions for 200 ms (a continuation or listener that blocks on another future of this
 * node), they move to a thread of the node's own so that nothing freezes; the error handler is told and
 * {@link ClusterStats#completionStalls()} counts it. Leave, then close: {@link #leave} tells the others, {@link #close} releases sockets
 * and threads; both are idempotent.
 */
public interface Cluster extends AutoCloseable {

    /** The smallest message type (and stream type) applications may use; smaller ones are TamTam's. */
    int USER_TYPE_MIN = 128;

    /** The largest message type (and stream type). */
    int USER_TYPE_MAX = 0xFFFF;

    /**
     * Creates a node and binds its transports. The node is alone until {@link #join}.
     *
     * @param config the configuration
     * @return the running node
     * @throws IOException when the transports cannot bind
     */
    static Cluster create(ClusterConfig config) throws IOException {
        return ClusterNode.start(config);
    }

    // ---------------------------------------------------------------- membership

    /**
     * Contacts the seeds and exchanges full state with them.
     *
     * @param seeds addresses of nodes already in the cluster
     * @return completes with the first seed node that accepted this node; fails with a
     *         {@link JoinException} listing each seed's reason when none did
     */
    CompletableFuture<Node> join(Collection<InetSocketAddress> seeds);

    /**
     * @param seeds addresses of nodes already in the cluster
     * @return as {@link #join(Collection)}
     */
    default CompletableFuture<Node> join(InetSocketAddress... seeds) {
        return join(List.of(seeds));
    }

    /**
     * Joins through the configured {@link io.tamtam.spi.SeedProvider}.
     *
     * @return as {@link #join(Collection)}
     */
    CompletableFuture<Node> join();

    /**
     * Announces a graceful leave and waits until it has been disseminated or {@code timeout} passed.
     * Other nodes then see this node as {@link NodeState#LEFT}, not DEAD. The node stops taking part in
     * the protocol; call {@link #close()} afterwards.
     *
     * @param timeout how long to wait for the announcement to spread
     * @return completes when done; never fails
     */
    CompletableFuture<Void> leave(Duration timeout);

    /** Stops the node without announcing anything, releasing sockets and threads. Idempotent. */
    @Override
    void close();

    /** @return this node */
    Node localNode();

    /** @return every known member, this node included, in any state not yet removed */
    Collection<Node> members();

    /** @return the members in state ALIVE or SUSPECT, this node included */
    List<Node> aliveMembers();

    /**
     * Counts members in one state without building snapshots: the node keeps a count per state as its
     * members change, so this allocates nothing and costs the same for any cluster size.
     *
     * @param state a state
     * @return known members in that state, this node included
     */
    int memberCount(NodeState state);

    /** @return every known member in any state not yet removed, this node included; allocates nothing */
    int memberCount();

    /**
     * Counts members in any of the given states, as {@link #memberCount(NodeState)} does for each (the
     * counts of different states are read one after the other, not atomically together).
     *
     * @param states states; none counts every known member
     * @return known members in one of those states, this node included
     */
    int memberCount(NodeState... states);

    /**
     * @param id a node id
     * @return the member, if known
     */
    Optional<Node> member(UUID id);

    /**
     * Registers a listener for membership changes.
     *
     * @param listener the listener; see its threading contract
     * @return removes the listener when closed
     */
    Subscription addMembershipListener(MembershipListener listener);

    // ---------------------------------------------------------------- metadata

    /**
     * Sets one metadata entry of this node and disseminates the change.
     *
     * @param key   the key
     * @param value the value
     * @throws IllegalArgumentException when the encoded metadata would exceed
     *                                  {@link ClusterConfig#maxMetadataBytes()}
     */
    void setMetadata(String key, String value);

    /**
     * Replaces all metadata of this node and disseminates the change.
     *
     * @param metadata the new entries
     * @throws IllegalArgumentException when the encoded metadata would exceed
     *                                  {@link ClusterConfig#maxMetadataBytes()}
     */
    void replaceMetadata(Map<String, String> metadata);

    /** @param key the entry to remove; disseminates the change */
    void removeMetadata(String key);

    // ---------------------------------------------------------------- messages

    /**
     * Registers the handler for one message type.
     *
     * @param type         a type from {@link #USER_TYPE_MIN} to {@link #USER_TYPE_MAX}
     * @param payloadClass the class payloads decode to
     * @param handler      the handler
     * @param <T>          the payload class
     * @return removes the handler when closed
     * @throws IllegalArgumentException when the type is reserved or out of range
     * @throws IllegalStateException    when a handler for that type is already registered
     */
    <T> Subscription handle(int type, Class<T> payloadClass, MessageHandler<T> handler);

    /**
     * Registers the handler that answers requests of one type.
     *
     * @param type         a type from {@link #USER_TYPE_MIN} to {@link #USER_TYPE_MAX}
     * @param payloadClass the class requests decode to
     * @param handler      returns the reply
     * @param <T>          the request class
     * @param <R>          the reply class
     * @return removes the handler when closed
     * @throws IllegalArgumentException when the type is reserved or out of range
     * @throws IllegalStateException    when a handler for that type is already registered
     */
    <T, R> Subscription handleRequest(int type, Class<T> payloadClass, RequestHandler<T, R> handler);

    /**
     * Sends a message to every alive node through the protocol's dissemination: piggybacked on protocol
     * traffic and pushed on receipt, duplicates suppressed. Large payloads travel over the stream path.
     *
     * @param type    the message type
     * @param payload the payload
     * @return completes when the message is queued for dissemination; fails with the reason (too large,
     *         cannot encode, the broadcast queue is full of messages not yet sent, cluster closed)
     */
    CompletableFuture<Void> broadcast(int type, Object payload);

    /**
     * Sends a message to one node, best effort: no acknowledgement, no retry.
     *
     * @param node    the destination
     * @param type    the message type
     * @param payload the payload
     * @return completes when handed to the transport; fails with the reason
     */
    CompletableFuture<Void> send(Node node, int type, Object payload);

    /**
     * Sends a message to one node and waits for it to be handed to the receiver's handler. Messages on
     * this path from one sender to one receiver are handled in send order.
     *
     * @param node    the destination
     * @param type    the message type
     * @param payload the payload
     * @return completes when the receiver's handler returned; fails with a {@link DeliveryException}
     *         (timeout, node dead, too large) or a {@link RemoteException} (the handler threw)
     */
    CompletableFuture<Void> sendReliable(Node node, int type, Object payload);

    /**
     * Sends a request and waits for the reply.
     *
     * @param node       the destination
     * @param type       the request type
     * @param payload    the request
     * @param replyClass the class the reply decodes to
     * @param timeout    how long to wait for the reply
     * @param <R>        the reply class
     * @return the reply; fails with a {@link DeliveryException} or a {@link RemoteException}
     */
    <R> CompletableFuture<R> request(Node node, int type, Object payload, Class<R> replyClass, Duration timeout);

    // ---------------------------------------------------------------- streams

    /**
     * Opens a byte stream to a node's handler for {@code streamType}.
     *
     * @param node       the destination
     * @param streamType a type from {@link #USER_TYPE_MIN} to {@link #USER_TYPE_MAX}
     * @return the stream once the remote accepted it; fails with the reason
     */
    CompletableFuture<NodeStream> openStream(Node node, int streamType);

    /**
     * Registers the handler that accepts streams of one type.
     *
     * @param streamType a type from {@link #USER_TYPE_MIN} to {@link #USER_TYPE_MAX}
     * @param handler    the handler
     * @return removes the handler when closed
     * @throws IllegalArgumentException when the type is reserved or out of range
     * @throws IllegalStateException    when a handler for that type is already registered
     */
    Subscription handleStream(int streamType, StreamHandler handler);

    // ---------------------------------------------------------------- observability

    /** @return this node's counters */
    ClusterStats stats();

    /**
     * @return the configuration as given: parts left to ServiceLoader (codec, compressor, cipher factory,
     *         transports) and the default executor and scheduler read as null; see {@link #effectiveConfig()}
     */
    ClusterConfig config();

    /**
     * @return what this node actually uses: the settings, every resolved part, and the values derived from
     *         the current cluster size and local health (suspicion timeouts, retransmit limit, push-pull
     *         interval, probe interval and timeout), computed now
     */
    EffectiveConfig effectiveConfig();
}
