package io.tamtam.internal;

import io.tamtam.AppState;
import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.ClusterRuntime;
import io.tamtam.ClusterStats;
import io.tamtam.DeliveryException;
import io.tamtam.EffectiveConfig;
import io.tamtam.MembershipListener;
import io.tamtam.MessageHandler;
import io.tamtam.MessageType;
import io.tamtam.RequestType;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.NodeStream;
import io.tamtam.RequestHandler;
import io.tamtam.StreamHandler;
import io.tamtam.Subscription;
import io.tamtam.internal.dissemination.Disseminator;
import io.tamtam.internal.dissemination.Broadcasts;
import io.tamtam.internal.failure.Awareness;
import io.tamtam.internal.failure.FailureDetector;
import io.tamtam.internal.failure.Suspicion;
import io.tamtam.internal.membership.LocalMetadata;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.membership.MemberTable;
import io.tamtam.internal.membership.Membership;
import io.tamtam.internal.membership.NodeSnapshot;
import io.tamtam.internal.messaging.Messaging;
import io.tamtam.internal.messaging.DirectMessages;
import io.tamtam.internal.messaging.InOrder;
import io.tamtam.internal.runtime.ByteBudget;
import io.tamtam.internal.messaging.Inbound;
import io.tamtam.internal.peer.Peers;
import io.tamtam.internal.messaging.Payloads;
import io.tamtam.internal.messaging.Replies;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.runtime.BoundedExecutor;
import io.tamtam.internal.runtime.LaneScheduler;
import io.tamtam.internal.runtime.SharedThreads;
import io.tamtam.internal.runtime.ExecutorScheduler;
import io.tamtam.internal.runtime.Uuid7;
import io.tamtam.internal.sync.AppStates;
import io.tamtam.internal.sync.PushPull;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.Scheduler;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** One running node: wires the protocol parts together and implements the API. */
public final class ClusterNode implements Cluster {
    /**
     * Most user messages waiting for their handlers or held for their sender's order, across senders;
     * past it, or past {@link #MAX_PENDING_MESSAGE_BYTES}, messages are refused (QUEUE_FULL; a reliable
     * sender or requester is told the receiver is overloaded).
     */
    static final int MAX_PENDING_MESSAGES = 100_000;
    /** Most payload bytes of user messages waiting for handlers or held for order: 64 MiB. */
    static final long MAX_PENDING_MESSAGE_BYTES = 64L << 20;

    private final ClusterConfig config;
    private final UUID id;
    private final Scheduler scheduler;
    /** The scheduler the node made (its own thread or a lane on a runtime), closed with the node; else null. */
    private final AutoCloseable ownScheduler;
    private final Executor callbacks;
    private final Completions completions;
    private final Errors errors;
    private final Stats stats = new Stats();
    private final Plugins plugins;
    private final Payloads payloads;
    private final PacketCodec codec;
    private final DatagramTransport datagrams;
    private final StreamTransport streams;
    private final Context ctx;
    private final Events events;
    private final Disseminator dissemination;
    private final Awareness awareness;
    private final Membership membership;
    private final FailureDetector detector;
    private final PushPull pushPull;
    private final io.tamtam.internal.sync.Rejoin rejoin;
    private final Keys keys;
    private final Joins joins;
    private final AppStates appStates;
    private final Messaging messaging;
    private final Streams nodeStreams;
    private final Replies replies;
    private final DirectMessages direct;
    private final Broadcasts broadcasts;
    private final Peers peers;
    private final ByteBudget inboundBudget;
    private final Dispatch dispatch = new Dispatch();
    private final Receiver receiver;
    private final LocalMetadata localMetadata;
    private final io.tamtam.internal.services.ServiceLayer services;
    private final io.tamtam.internal.status.StatusTracker status;
    private final io.tamtam.internal.query.QueryEngine queries;
    private final io.tamtam.internal.transfer.TransferService transfers;
    private volatile boolean closed;
    /** Futures of work on the protocol thread or its timers, failed when the node closes (which stops both). */
    private final io.tamtam.internal.runtime.OpenFutures openFutures = new io.tamtam.internal.runtime.OpenFutures();
    private CompletableFuture<Void> leaveFuture;
    /** Set once construction is complete: packets that arrive on the just-bound sockets before are ignored. */
    private volatile boolean ready;

    private ClusterNode(ClusterConfig config, Plugins plugins) throws IOException {
        this.config = config;
        this.plugins = plugins;
        this.id = config.nodeId() != null ? config.nodeId() : Uuid7.next();
        String shortId = id.toString().substring(0, 8);
        ClusterRuntime runtime = config.runtime();
        if (config.callbackExecutor() != null) {
            callbacks = config.callbackExecutor();
        } else {
            // The node's share of threads it does not own: the runtime's, else the JVM's on-demand pool.
            callbacks = new BoundedExecutor(runtime != null ? runtime.callbackExecutor() : SharedThreads.pool(),
                    ClusterConfig.DEFAULT_CALLBACK_THREADS);
        }
        errors = new Errors(config.errorHandler(), callbacks, config.clock(), shortId);
        if (config.scheduler() != null) {
            scheduler = config.scheduler();
            ownScheduler = null;
        } else if (runtime != null) {
            LaneScheduler lane = (LaneScheduler) runtime.newScheduler(this::reportError);
            scheduler = lane;
            ownScheduler = lane;
        } else {
            ExecutorScheduler own = new ExecutorScheduler("tamtam-protocol-" + shortId, this::reportError);
            scheduler = own;
            ownScheduler = own;
        }
        // Without a callback executor of the user's or a runtime, futures complete on shared threads, not
        // the node's handler slots: a handler that blocks on a TamTam future (a request inside a handler)
        // must not be able to starve the completions it waits for.
        completions = new Completions(config.callbackExecutor() != null ? callbacks
                : runtime != null ? runtime.callbackExecutor() : null, config.clock(), scheduler, this::reportError);
        SplittableRandom random = config.randomSeed() != null ? new SplittableRandom(config.randomSeed()) : new SplittableRandom();
        payloads = new Payloads(plugins.codec());
        codec = new PacketCodec(id, plugins.compressor(),
                config.compressionDisabled() ? Integer.MAX_VALUE : config.compressionMinBytes(),
                plugins.ciphers(), config.maxFrameSize(), config.clusterLabel());
        codec.countWith(stats);
        TransportOptions options = new TransportOptions(config.maxDatagramSize(), config.maxFrameSize(),
                config.connectTimeout(), config.idleTimeout(), config.writeTimeout(), config.prefaceTimeout(),
                config.minReceiveRate(), config.receiveGrace(), config.maxInboundConnections(),
                config.maxInboundConnectionsPerIp(), config.inboundBufferBudget());

        receiver = new Receiver(id, config, codec, dispatch, scheduler, stats, () -> !closed && ready,
                this::acceptStream, this::reportError);
        Binding binding;
        try {
            binding = Binding.bind(plugins, options, config.bindAddress(), receiver, receiver);
        } catch (IOException e) {
            shutdownThreads();
            throw e;
        }
        streams = binding.streams();
        datagrams = binding.datagrams();
        if (streams instanceof io.tamtam.spi.MultiTransport.Addressed routed) {
            routed.addressBook(this::addressesAt);
        }
        InetSocketAddress advertise = binding.advertised(config.advertiseAddress());

        MemberTable table = new MemberTable(random, config.clock());
        inboundBudget = new ByteBudget(MAX_PENDING_MESSAGE_BYTES, MAX_PENDING_MESSAGES);
        InOrder inOrder = new InOrder(scheduler, 2 * config.connectTimeout().toNanos(), inboundBudget);
        peers = new Peers(callbacks, inOrder, table);
        Outbox outbox = new Outbox(codec, datagrams, streams, stats, config.maxDatagramSize(), config.maxFrameSize(),
                config.clock(), peers, config.datagramBurstLimit());
        ctx = new Context(config, id, config.clock(), scheduler, random, table, outbox, stats);
        events = new Events(callbacks, this::reportError, config.clock());
        dissemination = new Disseminator(ctx);
        stats.evictedFrom(() -> dissemination.queue().evicted());
        awareness = new Awareness(config.awarenessMaxMultiplier());
        List<io.tamtam.NodeAddress> selfAddresses = selfAddresses(config, streams, advertise);
        java.util.Set<String> schemes = new java.util.HashSet<>();
        selfAddresses.forEach(a -> schemes.add(a.scheme()));
        table.reachOnly(schemes.isEmpty() ? java.util.Set.of(io.tamtam.NodeAddress.UDP_TCP) : schemes);
        MemberInfo self = new MemberInfo(id, 0, NodeState.ALIVE, advertise, WireFormat.PROTOCOL_VERSION,
                config.applicationVersion(), Map.of(), selfAddresses);
        membership = new Membership(ctx, dissemination, awareness, events, self);
        detector = new FailureDetector(ctx, membership, dissemination, awareness);
        appStates = new AppStates(config.maxAppStateBytes(), payloads, callbacks, stats, this::reportError,
                this::nodeOrPlaceholder);
        pushPull = new PushPull(ctx, membership, appStates);
        rejoin = new io.tamtam.internal.sync.Rejoin(ctx, membership, pushPull, callbacks, config.seedProvider(),
                config.snapshotFile() == null ? null : new io.tamtam.internal.sync.SnapshotFile(config.snapshotFile()),
                this::reportError);
        messaging = new Messaging(peers, inboundBudget, payloads, stats, this::reportError, this::nodeOrPlaceholder);
        codec.viewTypes(messaging::takesView);
        nodeStreams = new Streams(this, streams, codec);
        replies = new Replies(config.clock(), scheduler, completions);
        localMetadata = new LocalMetadata(config.maxMetadataBytes(),
                meta -> scheduler.execute(() -> membership.updateMetadata(meta)));
        direct = new DirectMessages(ctx, codec, payloads, replies, completions, peers, () -> closed);
        broadcasts = new Broadcasts(ctx, dissemination, messaging, completions, () -> closed);
        detector.register(dispatch);
        membership.register(dispatch);
        broadcasts.register(dispatch);
        pushPull.register(dispatch);
        keys = new Keys(ctx, codec, plugins.cipherFactory(), config.encryptionKeys(), plugins.ciphers(), completions);
        keys.register(dispatch);
        joins = new Joins(ctx, () -> membership.self().snapshot(), pushPull, rejoin, keys, completions, callbacks,
                config.seedProvider(), () -> closed);
        new Inbound(ctx, messaging, inOrder, peers, replies).register(dispatch);
        transfers = new io.tamtam.internal.transfer.TransferService(ctx, config.transfers(), callbacks, completions, shortId);
        transfers.register(dispatch);
        events.addInternal((type, node, previous, cause, source, confirmations) -> {
            switch (type) {
                case JOINED, ALIVE -> peers.joined(node.id(), node.address());
                case DEAD, LEFT -> {
                    String reason = "node " + node.id() + " is " + type.name().toLowerCase(java.util.Locale.ROOT);
                    replies.failTo(node.id(), reason);
                    nodeStreams.closeAll(node.id(), reason);
                }
                case REMOVED -> peers.removed(node.id(), node.address());
                default -> { }
            }
            rejoin.changed();
        });
        services = new io.tamtam.internal.services.ServiceLayer(ctx, messaging, direct, broadcasts, completions, callbacks,
                this::reportError, () -> membership.self().snapshot(), localMetadata::change, openFutures);
        status = new io.tamtam.internal.status.StatusTracker(ctx, callbacks, this::reportError);
        queries = new io.tamtam.internal.query.QueryEngine(ctx, messaging, direct, broadcasts, completions, callbacks,
                this::reportError, () -> membership.self().snapshot(), services::offersLocally);
        events.addInternal((type, node, previous, cause, source, confirmations) -> {
            services.onMembership(type, node);
            status.recompute();
        });
        events.addInternal((type, node, previous, cause, source, confirmations) -> {
            switch (type) {
                case JOINED -> {
                    if (previous == null) {   // new, not back from DEAD or LEFT: offered only later broadcasts
                        broadcasts.repair().joined(node.id());
                    }
                }
                case REMOVED -> broadcasts.repair().removed(node.id());
                default -> { }
            }
        });
        stats.observe(errors, completions::moves, peers::evicted,
                () -> events.missed() + services.listenerEventsMissed() + status.listenerEventsMissed());
        stats.observeDepths(receiver.protocolBacklog(), inboundBudget, dissemination.queue(), completions, awareness, peers);
        ready = true;
    }

    /**
     * @param config the configuration
     * @return the running node
     * @throws IOException when the transports cannot bind
     */
    public static Cluster start(ClusterConfig config) throws IOException {
        ClusterNode node = new ClusterNode(config, Plugins.resolve(config));
        node.scheduler.execute(node::startLoops);
        return node;
    }

    private void startLoops() {
        detector.start();
        pushPull.start();
        rejoin.start();
        scheduleGossip();
        scheduleReap();
        transfers.start();
    }

    private void scheduleGossip() {
        scheduler.schedule(() -> {
            if (!closed) {
                dissemination.gossipRound();
                broadcasts.repair().round();
                scheduleGossip();
            }
        }, config.gossipInterval().toNanos());
    }

    private void scheduleReap() {
        long every = Math.min(config.deadNodeRetention().toNanos() / 4 + 1, Duration.ofSeconds(1).toNanos());
        scheduler.schedule(() -> {
            if (!closed) {
                membership.reap();
                scheduleReap();
            }
        }, every);
    }

    void reportError(String context, Throwable error) {
        errors.report(context, error);
    }

    private void acceptStream(StreamChannel stream) {
        nodeStreams.accept(stream);
    }

    /** @return the member with this id, or a DEAD placeholder for a node not (or no longer) known */
    Node nodeOrPlaceholder(UUID node) {
        Member m = ctx.table().get(node);
        if (m != null) {
            return m.snapshot();
        }
        return new NodeSnapshot(node, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), NodeState.DEAD, 0,
                Map.of(), 0, "");
    }

    // ------------------------------------------------------------------ membership API

    @Override
    public CompletableFuture<Node> join(Collection<InetSocketAddress> seeds) {
        return openFutures.track(joins.join(seeds));
    }

    @Override
    public CompletableFuture<Node> join() {
        return openFutures.track(joins.join());
    }

    @Override
    public synchronized CompletableFuture<Void> leave(Duration timeout) {
        if (leaveFuture != null) {
            return leaveFuture;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        leaveFuture = f;
        if (closed) {
            f.complete(null);
            return f;
        }
        openFutures.track(f);
        scheduler.execute(() -> {
            detector.stop();
            pushPull.stop();
            rejoin.stop(true);
            if (ctx.table().liveCount() <= 1) {
                finishLeave(f);
                return;
            }
            membership.leave(() -> finishLeave(f));
            scheduler.schedule(() -> finishLeave(f), timeout.toNanos());
        });
        return f;
    }

    private void finishLeave(CompletableFuture<Void> f) {
        if (!f.isDone()) {
            completeAsync(f, null);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        scheduler.execute(() -> {
            detector.stop();
            pushPull.stop();
            rejoin.stop(false);
            keys.close();
            dissemination.stop();
        });
        replies.close("the cluster node is closed");
        direct.close();
        transfers.close();
        nodeStreams.close();
        streams.close();
        datagrams.close();
        shutdownThreads();
        openFutures.close("the cluster node is closed");
    }

    private void shutdownThreads() {
        if (ownScheduler != null) {
            try {
                ownScheduler.close();
            } catch (Exception e) {
                reportError("closing the protocol scheduler", e);
            }
        }
        completions.close();
    }

    @Override
    public Node localNode() {
        return membership.self().snapshot();
    }

    @Override
    public List<Node> members() {
        List<Node> out = new ArrayList<>(ctx.table().size());
        for (Member m : ctx.table().members()) {
            out.add(m.snapshot());
        }
        return out;
    }

    @Override
    public List<Node> members(NodeState... states) {
        java.util.EnumSet<NodeState> wanted = java.util.EnumSet.noneOf(NodeState.class);
        wanted.addAll(List.of(states));
        List<Node> out = new ArrayList<>();
        for (Member m : ctx.table().members()) {
            NodeSnapshot s = m.snapshot();
            if (wanted.contains(s.state())) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public List<Node> liveMembers() {
        return members(NodeState.ALIVE, NodeState.SUSPECT);
    }

    @Override
    public int memberCount(NodeState state) {
        return ctx.table().count(java.util.Objects.requireNonNull(state, "state"));
    }

    @Override
    public int memberCount() {
        return ctx.table().members().size();
    }

    @Override
    public int memberCount(NodeState... states) {
        if (states.length == 0) {
            return memberCount();
        }
        int n = 0;
        long seen = 0;
        for (NodeState s : states) {
            if ((seen & (1L << s.ordinal())) == 0) {
                seen |= 1L << s.ordinal();
                n += ctx.table().count(s);
            }
        }
        return n;
    }

    @Override
    public Optional<Node> member(UUID node) {
        Member m = ctx.table().get(node);
        return m == null ? Optional.empty() : Optional.of(m.snapshot());
    }

    @Override
    public boolean wasRemoved(UUID node) {
        return ctx.table().get(node) == null && peers.wasRemoved(node);
    }

    @Override
    public Subscription addMembershipListener(MembershipListener listener) {
        return events.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public Subscription snapshotAndSubscribe(java.util.function.Consumer<List<Node>> snapshot, MembershipListener listener) {
        java.util.Objects.requireNonNull(snapshot, "snapshot");
        java.util.Objects.requireNonNull(listener, "listener");
        if (closed) {
            throw new IllegalStateException("this cluster node is closed; create a new one");
        }
        java.util.concurrent.atomic.AtomicReference<Subscription> registered = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        scheduler.execute(() -> {
            if (cancelled.get()) {
                return;
            }
            List<Node> now = members();
            registered.set(events.add(listener, () -> snapshot.accept(now)));
            if (cancelled.get()) {
                registered.get().close();
            }
        });
        return () -> {
            cancelled.set(true);
            Subscription s = registered.get();
            if (s != null) {
                s.close();
            }
        };
    }

    // ------------------------------------------------------------------ metadata

    @Override
    public void setMetadata(String key, String value) {
        java.util.Objects.requireNonNull(key, "key");
        java.util.Objects.requireNonNull(value, "value");
        checkNotReserved(key);
        localMetadata.change(m -> m.put(key, value));
    }

    @Override
    public void replaceMetadata(Map<String, String> entries) {
        entries.keySet().forEach(ClusterNode::checkNotReserved);
        localMetadata.change(m -> {
            m.keySet().removeIf(k -> !k.startsWith(RESERVED_METADATA_PREFIX));
            m.putAll(entries);
        });
    }

    @Override
    public void removeMetadata(String key) {
        checkNotReserved(key);
        localMetadata.change(m -> m.remove(key));
    }

    /** Metadata keys TamTam sets itself (services): the application may not set or remove them. */
    static final String RESERVED_METADATA_PREFIX = "tamtam.";

    private static void checkNotReserved(String key) {
        if (key != null && key.startsWith(RESERVED_METADATA_PREFIX)) {
            throw new IllegalArgumentException("metadata key '" + key + "' is reserved (keys starting with '"
                    + RESERVED_METADATA_PREFIX + "' are set by TamTam itself, e.g. by services().register); use another key");
        }
    }

    // ------------------------------------------------------------------ services

    @Override
    public io.tamtam.services.Services services() {
        return services;
    }

    @Override
    public io.tamtam.status.Status status() {
        return status;
    }

    @Override
    public Subscription handleQuery(String name, io.tamtam.query.QueryHandler handler) {
        return queries.handle(name, handler);
    }

    @Override
    public CompletableFuture<io.tamtam.query.QuerySummary> query(String name, byte[] payload,
                                                                 io.tamtam.query.QueryOptions options,
                                                                 io.tamtam.query.QueryListener listener) {
        if (closed) {
            return CompletableFuture.failedFuture(new DeliveryException("the cluster node is closed"));
        }
        return openFutures.track(queries.query(name, payload, options, listener));
    }

    @Override
    public AppState appState() {
        return appStates;
    }

    // ------------------------------------------------------------------ messages

    @Override
    public <T> Subscription handle(MessageType<T> type, MessageHandler<T> handler) {
        return messaging.handle(type, handler);
    }

    @Override
    public <T, R> Subscription handleRequest(RequestType<T, R> type, RequestHandler<T, R> handler) {
        return messaging.handleRequest(type, handler);
    }

    @Override
    public <T> CompletableFuture<Void> broadcast(MessageType<T> type, T payload) {
        byte[] bytes;
        try {
            bytes = broadcastBytes(type, payload);
        } catch (DeliveryException e) {
            return CompletableFuture.failedFuture(e);
        }
        return broadcasts.originate(type.id(), bytes);
    }

    /** @return the encoded payload, within what a frame carries; throws a DeliveryException saying why not */
    private <T> byte[] broadcastBytes(MessageType<T> type, T payload) {
        byte[] bytes;
        try {
            bytes = direct.encode(type, payload);
        } catch (IOException e) {
            throw new DeliveryException("cannot broadcast: " + e.getMessage(), e);
        }
        int limit = config.maxFrameSize() - codec.overhead() - 64;
        if (bytes.length > limit) {
            throw new DeliveryException("broadcast payload of " + bytes.length
                    + " bytes exceeds the " + limit + " bytes a frame can carry; raise maxFrameSize or use streams");
        }
        return bytes;
    }

    @Override
    public <T> CompletableFuture<Void> broadcast(MessageType<T> type, T payload, io.tamtam.BroadcastTtl ttl) {
        java.util.Objects.requireNonNull(ttl, "ttl");
        byte[] bytes;
        try {
            bytes = broadcastBytes(type, payload);
        } catch (DeliveryException e) {
            return CompletableFuture.failedFuture(e);
        }
        return broadcasts.originateTtl(type.id(), bytes, ttl.passes(), ttl.lifetime().toNanos());
    }

    @Override
    public <T> CompletableFuture<Void> send(UUID node, MessageType<T> type, T payload) {
        return direct.send(node, type, payload);
    }

    @Override
    public <T> CompletableFuture<Void> sendReliable(UUID node, MessageType<T> type, T payload) {
        return direct.sendReliable(node, type, payload);
    }

    @Override
    public <T, R> CompletableFuture<R> request(UUID node, RequestType<T, R> type, T payload, Duration timeout) {
        return direct.request(node, type, payload, timeout);
    }

    @Override
    public CompletableFuture<Duration> ping(Node node, Duration timeout) {
        java.util.Objects.requireNonNull(node, "node");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("ping timeout must be positive, was " + timeout);
        }
        if (closed) {
            return CompletableFuture.failedFuture(new DeliveryException("the cluster node is closed"));
        }
        CompletableFuture<Duration> f = openFutures.track(new CompletableFuture<>());
        scheduler.execute(() -> {
            Member m = ctx.table().get(node.id());
            if (m == null || !m.isLive() || node.id().equals(ctx.selfId())) {
                failAsync(f, new DeliveryException("cannot ping " + node.id() + ": "
                        + (node.id().equals(ctx.selfId()) ? "it is this node" : "not a live member")));
                return;
            }
            detector.ping(m, timeout.toNanos(), rtt -> {
                if (rtt < 0) {
                    failAsync(f, new DeliveryException("no answer from " + node.id() + " within " + timeout));
                } else {
                    completeAsync(f, Duration.ofNanos(rtt));
                }
            });
        });
        return f;
    }

    <T> void completeAsync(CompletableFuture<T> f, T value) {
        completions.complete(f, value);
    }

    <T> void failAsync(CompletableFuture<T> f, Throwable error) {
        completions.fail(f, error);
    }

    // ------------------------------------------------------------------ streams

    @Override
    public CompletableFuture<NodeStream> openStream(UUID node, int streamType) {
        Messaging.checkUserType(streamType);
        Member m = direct.live(node);
        if (m == null) {
            return direct.notLive(node);
        }
        return nodeStreams.open(m.snapshot(), streamType);
    }

    @Override
    public Subscription handleStream(int streamType, StreamHandler handler) {
        return nodeStreams.handle(streamType, handler);
    }

    List<io.tamtam.spi.Cipher> ciphers() {
        return keys.ciphers();
    }

    @Override
    public io.tamtam.Keyring keyring() {
        if (!keys.enabled()) {
            throw new IllegalStateException("this node has no encryption keys, so no keyring: start every node with "
                    + "ClusterConfig.Builder.encryptionKeys(...) to rotate keys");
        }
        return keys;
    }



    @Override
    public io.tamtam.transfer.Transfers transfers() {
        return transfers;
    }

    // ------------------------------------------------------------------ observability

    @Override
    public ClusterStats stats() {
        return stats;
    }

    @Override
    public ClusterConfig config() {
        return config;
    }

    @Override
    public EffectiveConfig effectiveConfig() {
        int n = ctx.table().count(NodeState.ALIVE) + ctx.table().count(NodeState.SUSPECT);
        int health = awareness.score();
        return new EffectiveConfig(config, id, membership.self().snapshot().address(),
                Optional.ofNullable(plugins.codec()), Optional.ofNullable(plugins.compressor()),
                Optional.ofNullable(plugins.cipherFactory()), plugins.datagrams(), plugins.streams(),
                callbacks, scheduler, Optional.ofNullable(config.seedProvider()), n, health,
                config.probeInterval().multipliedBy(health + 1L), config.probeTimeout().multipliedBy(health + 1L),
                Duration.ofNanos(Suspicion.minTimeoutNanos(config, n)), Duration.ofNanos(Suspicion.maxTimeoutNanos(config, n)),
                Disseminator.transmitLimit(config.retransmitMultiplier(), n),
                Duration.ofNanos((long) (config.pushPullInterval().toNanos() * PushPull.scale(n))));
    }

    @Override
    public String toString() {
        return "Cluster[" + id + " " + membership.self().snapshot().address() + "]";
    }

    /**
     * @return the addresses this node advertises: the configured ones, else those a {@link
     *         io.tamtam.spi.MultiTransport} is bound at (a wildcard host replaced by the advertised one),
     *         else none (the one {@code udp+tcp} address)
     */
    private static List<io.tamtam.NodeAddress> selfAddresses(ClusterConfig config, StreamTransport streams,
                                                             InetSocketAddress advertise) {
        if (!config.advertiseAddresses().isEmpty() || !(streams instanceof io.tamtam.spi.MultiTransport.Addressed routed)) {
            return config.advertiseAddresses();
        }
        String host = io.tamtam.NodeAddress.udpTcp(advertise).host();
        List<io.tamtam.NodeAddress> out = new ArrayList<>();
        for (io.tamtam.NodeAddress a : routed.boundAddresses()) {
            boolean wildcard = a.host().equals("0.0.0.0") || a.host().equals("0:0:0:0:0:0:0:0") || a.host().equals("::");
            out.add(wildcard ? new io.tamtam.NodeAddress(a.scheme(), host, a.port(), a.path()) : a);
        }
        return out;
    }

    /** @return the addresses the member at this address advertises (empty for none), or null when no member is there */
    private List<io.tamtam.NodeAddress> addressesAt(InetSocketAddress address) {
        Peers p = peers;
        io.tamtam.internal.peer.Peer peer = p == null ? null : p.at(address);
        Member m = peer == null || ctx == null ? null : ctx.table().get(peer.id());
        return m == null ? null : m.snapshot().advertised();
    }
}
