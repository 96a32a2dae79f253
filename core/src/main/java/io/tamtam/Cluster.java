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
 * static final MessageType<String> CHAT = MessageType.of(1000, String.class);
 *
 * try (Cluster cluster = Cluster.create(ClusterConfig.lan().build())) {
 *     cluster.handle(CHAT, p -> log.info("{}: {}", p.sender().id(), p.payload()));
 *     cluster.join(new InetSocketAddress("10.0.0.1", 7946)).join();
 *     cluster.broadcast(CHAT, "hello");
 *     ...
 *     cluster.leave(Duration.ofSeconds(2)).join();
 * }
 * }</pre>
 *
 * <p>Every method is thread-safe. Futures complete off the protocol and network threads: on threads
 * shared by the JVM's nodes (made on demand) by default, on the callback executor when one is configured,
 * on the {@link ClusterRuntime}'s callback threads with a runtime. If user code holds up completions for
 * 200 ms (a continuation or listener that blocks on another future of this node), they move to another
 * shared thread so that nothing freezes; the error handler is told and
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

    /**
     * Probes a member once through the failure detector's own path (a PING datagram answered by an ACK,
     * as the probe loop sends) and reports the round trip. An unanswered ping raises no suspicion; the
     * probe loop alone decides that.
     *
     * @param node    the member (any snapshot of it, or its id through {@link #member(UUID)})
     * @param timeout how long to wait for the answer
     * @return the round trip; fails with {@link DeliveryException} when the node is not a live member or
     *         did not answer within {@code timeout}
     */
    CompletableFuture<Duration> ping(Node node, Duration timeout);

    /** Stops the node without announcing anything, releasing sockets and threads. Idempotent. */
    @Override
    void close();

    /** @return this node */
    Node localNode();

    /** @return every known member, this node included, in any state, until it is REMOVED */
    List<Node> members();

    /**
     * @param states the states wanted
     * @return the known members in one of those states, this node included when its state is one of them
     */
    List<Node> members(NodeState... states);

    /**
     * @return the members not (yet) declared failed: state {@link NodeState#ALIVE} or
     *         {@link NodeState#SUSPECT}, this node included. A SUSPECT member is still probed, sent to and
     *         may refute; use {@link #members(NodeState...)} with {@code ALIVE} alone for the strict view.
     */
    List<Node> liveMembers();

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
     * @return the member, if known now (members are forgotten {@link ClusterConfig#deadNodeRetention()}
     *         after they are DEAD or LEFT; see {@link #wasRemoved})
     */
    Optional<Node> member(UUID id);

    /**
     * @param id a node id
     * @return whether this node knew that node as a member and has since REMOVED it (remembered for the
     *         last 10,000 removed nodes): tells "forgotten" from "never known" when {@link #member} is empty
     */
    boolean wasRemoved(UUID id);

    /**
     * Registers a listener for membership changes from now on.
     *
     * @param listener the listener; see its threading contract
     * @return removes the listener when closed
     */
    Subscription addMembershipListener(MembershipListener listener);

    /**
     * Hands the current members, then every later change, with no gap and no duplicate between them: the
     * snapshot is taken and the listener registered in one step of the protocol thread, where changes
     * happen. {@code snapshot} runs first, on the listener's lane of the callback executor, then the
     * listener gets each later event as with {@link #addMembershipListener}.
     *
     * @param snapshot receives the members at the moment of subscription (as {@link #members()})
     * @param listener receives every change after it
     * @return removes the listener when closed (an event already queued may still arrive)
     */
    Subscription snapshotAndSubscribe(java.util.function.Consumer<List<Node>> snapshot, MembershipListener listener);

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

    // ---------------------------------------------------------------- application state

    /**
     * @return this node's application state, exchanged with other nodes in every push-pull, and the hook
     *         that merges theirs; see {@link AppState}
     */
    AppState appState();

    // ---------------------------------------------------------------- messages
    //
    // A destination is a node id; a Node snapshot works as well, however old: only its id is used, and
    // the current member with that id is looked up. A node that is not a live member (ALIVE or SUSPECT)
    // fails the future with a DeliveryException saying so; nothing is thrown for a state that changed.

    /**
     * Registers the handler for one message type.
     *
     * @param type    the type
     * @param handler the handler
     * @param <T>     the payload class
     * @return removes the handler when closed
     * @throws IllegalStateException when a handler for that type id is already registered, or the payload
     *                               class needs a codec and none is configured
     */
    <T> Subscription handle(MessageType<T> type, MessageHandler<T> handler);

    /**
     * Registers the handler that answers requests of one type.
     *
     * @param type    the type
     * @param handler returns the reply
     * @param <T>     the request class
     * @param <R>     the reply class
     * @return removes the handler when closed
     * @throws IllegalStateException when a handler for that type id is already registered, or a class
     *                               needs a codec and none is configured
     */
    <T, R> Subscription handleRequest(RequestType<T, R> type, RequestHandler<T, R> handler);

    /**
     * Sends a message to every alive node through the protocol's dissemination: piggybacked on protocol
     * traffic and pushed on receipt, duplicates suppressed. Large payloads travel over the stream path.
     * Not delivered to this node itself.
     *
     * @param type    the message type
     * @param payload the payload
     * @param <T>     the payload class
     * @return completes when the message is queued for dissemination; fails with the reason (too large,
     *         cannot encode, the broadcast queue is full of messages not yet sent, cluster closed)
     */
    <T> CompletableFuture<Void> broadcast(MessageType<T> type, T payload);

    /**
     * Sends a message to one node, best effort: no acknowledgement, no retry, no order. Messages that
     * fit a datagram are gathered, several to a datagram, and go by datagram, at most
     * {@link ClusterConfig#datagramBurstLimit()} datagrams to that node within 10 ms (a burst would
     * overflow the receiver's socket buffer): the rest wait for the next 10 ms, and spill onto the stream
     * path when more than 16 windows' worth wait. A larger message goes over the stream path. Datagrams
     * may be lost or reordered, and messages on the two paths may overtake each other: use
     * {@link #sendReliable} for order.
     *
     * @param node    the destination's id
     * @param type    the message type
     * @param payload the payload
     * @param <T>     the payload class
     * @return completes when handed to the transport (a message that fits a datagram: when it joined
     *         the node's next datagram); fails with the reason
     */
    <T> CompletableFuture<Void> send(UUID node, MessageType<T> type, T payload);

    /**
     * As {@link #send(UUID, MessageType, Object)}, to {@code node.id()}.
     *
     * @param node    the destination (any snapshot of it)
     * @param type    the message type
     * @param payload the payload
     * @param <T>     the payload class
     * @return as {@link #send(UUID, MessageType, Object)}
     */
    default <T> CompletableFuture<Void> send(Node node, MessageType<T> type, T payload) {
        return send(node.id(), type, payload);
    }

    /**
     * Sends a message to one node and waits for it to be handed to the receiver's handler. Messages on
     * this path from one sender to one receiver are handled in send order, also across a broken and
     * re-established connection. A {@code byte[]} payload of 64 KiB or more is not copied into the packet:
     * it is read again if the message must be re-sent on a new connection, so do not change it until the
     * future completes.
     *
     * @param node    the destination's id
     * @param type    the message type
     * @param payload the payload
     * @param <T>     the payload class
     * @return completes when the receiver's handler returned; fails with a {@link DeliveryException}
     *         (timeout, node dead, too large, receiver overloaded) or a {@link RemoteException} (the
     *         handler threw)
     */
    <T> CompletableFuture<Void> sendReliable(UUID node, MessageType<T> type, T payload);

    /**
     * As {@link #sendReliable(UUID, MessageType, Object)}, to {@code node.id()}.
     *
     * @param node    the destination (any snapshot of it)
     * @param type    the message type
     * @param payload the payload
     * @param <T>     the payload class
     * @return as {@link #sendReliable(UUID, MessageType, Object)}
     */
    default <T> CompletableFuture<Void> sendReliable(Node node, MessageType<T> type, T payload) {
        return sendReliable(node.id(), type, payload);
    }

    /**
     * Sends a request and waits for the reply.
     *
     * @param node    the destination's id
     * @param type    the request type
     * @param payload the request
     * @param timeout how long to wait for the reply
     * @param <T>     the request class
     * @param <R>     the reply class
     * @return the reply; fails with a {@link DeliveryException} or a {@link RemoteException}
     */
    <T, R> CompletableFuture<R> request(UUID node, RequestType<T, R> type, T payload, Duration timeout);

    /**
     * As {@link #request(UUID, RequestType, Object, Duration)}, to {@code node.id()}.
     *
     * @param node    the destination (any snapshot of it)
     * @param type    the request type
     * @param payload the request
     * @param timeout how long to wait for the reply
     * @param <T>     the request class
     * @param <R>     the reply class
     * @return as {@link #request(UUID, RequestType, Object, Duration)}
     */
    default <T, R> CompletableFuture<R> request(Node node, RequestType<T, R> type, T payload, Duration timeout) {
        return request(node.id(), type, payload, timeout);
    }

    // ---------------------------------------------------------------- streams

    /**
     * Opens a byte stream to a node's handler for {@code streamType}.
     *
     * @param node       the destination's id
     * @param streamType a type from {@link #USER_TYPE_MIN} to {@link #USER_TYPE_MAX}
     * @return the stream once the remote accepted it; fails with the reason
     * @throws IllegalArgumentException when the type is reserved or out of range
     */
    CompletableFuture<NodeStream> openStream(UUID node, int streamType);

    /**
     * As {@link #openStream(UUID, int)}, to {@code node.id()}.
     *
     * @param node       the destination (any snapshot of it)
     * @param streamType the stream type
     * @return as {@link #openStream(UUID, int)}
     */
    default CompletableFuture<NodeStream> openStream(Node node, int streamType) {
        return openStream(node.id(), streamType);
    }

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

    // ---------------------------------------------------------------- services, status, queries

    /** @return the named services of the cluster: register here, and reach any service by name; see {@link io.tamtam.services.Services} */
    io.tamtam.services.Services services();

    /**
     * @return readiness of the cluster: {@code status().current()} reads whether a quorum of the expected
     *         size is alive and whether all of it is; listeners hear when either changes
     */
    io.tamtam.status.Status status();

    /**
     * Registers the handler that answers queries of one name on this node.
     *
     * @param name    the query name (1 to 255 UTF-8 bytes)
     * @param handler returns the answer, or null for none
     * @return removes the handler when closed
     * @throws IllegalStateException when a handler for that name is already registered
     */
    Subscription handleQuery(String name, io.tamtam.query.QueryHandler handler);

    /**
     * Asks every node matching the options' filters, this one included, through the cluster's
     * dissemination (duplicates suppressed). Matching nodes acknowledge (when asked) and answer with
     * their {@link #handleQuery handler}, by direct messages to this node, and through
     * {@link io.tamtam.query.QueryOptions#relayFactor()} other members each.
     *
     * @param name     the query name
     * @param payload  the bytes to ask with
     * @param options  filters, deadline (default grows with log10 of the cluster size), relays, answer size
     * @param listener told of each acknowledgement and answer as it arrives, or null
     * @return the summary, at the deadline or as soon as every expected node acknowledged (when asked)
     *         and answered; fails when the query could not be sent
     */
    CompletableFuture<io.tamtam.query.QuerySummary> query(String name, byte[] payload, io.tamtam.query.QueryOptions options,
                                                          io.tamtam.query.QueryListener listener);

    /**
     * As {@link #query(String, byte[], io.tamtam.query.QueryOptions, io.tamtam.query.QueryListener)} without a listener.
     *
     * @param name    the query name
     * @param payload the bytes to ask with
     * @param options filters and limits
     * @return the summary
     */
    default CompletableFuture<io.tamtam.query.QuerySummary> query(String name, byte[] payload, io.tamtam.query.QueryOptions options) {
        return query(name, payload, options, null);
    }
    // ---------------------------------------------------------------- transfers

    /**
     * @return large, acknowledged, resumable transfers of files and streams to one node; see
     *         {@link io.tamtam.transfer.Transfers}
     */
    io.tamtam.transfer.Transfers transfers();

    /**
     * A broadcast with a lifetime, for data that is worthless when late: relayed at most
     * {@code ttl.passes()} times after the origin's own sends, never delivered after
     * {@code ttl.lifetime()}; see {@link BroadcastTtl}. Not repaired when lost.
     *
     * @param type    the message type
     * @param payload the payload
     * @param ttl     relay passes and lifetime
     * @param <T>     the payload class
     * @return as {@link #broadcast(MessageType, Object)}
     */
    <T> CompletableFuture<Void> broadcast(MessageType<T> type, T payload, BroadcastTtl ttl);

    // ---------------------------------------------------------------- keys

    /**
     * @return live key rotation across the cluster
     * @throws IllegalStateException when this node was started without encryption keys
     */
    Keyring keyring();
}
