package io.tamtam.internal;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.ClusterStats;
import io.tamtam.DeliveryException;
import io.tamtam.DropReason;
import io.tamtam.ErrorHandler;
import io.tamtam.JoinException;
import io.tamtam.MembershipEvent;
import io.tamtam.MembershipListener;
import io.tamtam.MessageHandler;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.NodeStream;
import io.tamtam.RequestHandler;
import io.tamtam.StreamHandler;
import io.tamtam.Subscription;
import io.tamtam.TamTamException;
import io.tamtam.internal.dissemination.Disseminator;
import io.tamtam.internal.dissemination.Broadcasts;
import io.tamtam.internal.failure.Awareness;
import io.tamtam.internal.failure.FailureDetector;
import io.tamtam.internal.membership.LocalMetadata;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.membership.MemberTable;
import io.tamtam.internal.membership.Membership;
import io.tamtam.internal.membership.NodeSnapshot;
import io.tamtam.internal.messaging.Messaging;
import io.tamtam.internal.messaging.DirectMessages;
import io.tamtam.internal.messaging.InOrder;
import io.tamtam.internal.messaging.Payloads;
import io.tamtam.internal.messaging.Replies;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.runtime.DaemonThreads;
import io.tamtam.internal.runtime.ExecutorScheduler;
import io.tamtam.internal.runtime.Uuid7;
import io.tamtam.internal.sync.PushPull;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.Packet;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireException;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.Scheduler;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One running node: wires the protocol parts together and implements the API. */
public final class ClusterNode implements Cluster {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /**
     * Most inbound packets waiting for the protocol thread; past it, packets are dropped and counted as
     * QUEUE_FULL (a flood must not grow the heap; SWIM tolerates loss).
     */
    static final int MAX_PROTOCOL_BACKLOG = 65_536;
    private final AtomicInteger protocolBacklog = new AtomicInteger();


    private final ClusterConfig config;
    private final UUID id;
    private final Scheduler scheduler;
    private final ExecutorScheduler ownScheduler;
    private final Executor callbacks;
    private final Completions completions;
    private final ExecutorService ownCallbacks;
    /**
     * With the default pool, futures complete on a thread of their own: a handler that blocks on a
     * TamTam future (a request inside a handler) must not be able to starve the completions it waits for.
     */
    private final ExecutorService ownCompletions;
    private final ErrorHandler errorHandler;
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
    private final Messaging messaging;
    private final Streams nodeStreams;
    private final Replies replies;
    private final DirectMessages direct;
    private final Broadcasts broadcasts;
    private final InOrder inOrder;
    private final LocalMetadata localMetadata;
    private volatile boolean closed;
    private CompletableFuture<Void> leaveFuture;
    /** Set once construction is complete: packets that arrive on the just-bound sockets before are ignored. */
    private volatile boolean ready;

    private ClusterNode(ClusterConfig config, Plugins plugins) throws IOException {
        this.config = config;
        this.plugins = plugins;
        this.id = config.nodeId() != null ? config.nodeId() : Uuid7.next();
        String shortId = id.toString().substring(0, 8);
        this.errorHandler = config.errorHandler() != null ? config.errorHandler()
                : (context, error) -> LOG.warn("{} failed on node {}", context, shortId, error);
        if (config.callbackExecutor() != null) {
            callbacks = config.callbackExecutor();
            ownCallbacks = null;
        } else {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(ClusterConfig.DEFAULT_CALLBACK_THREADS,
                    ClusterConfig.DEFAULT_CALLBACK_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    DaemonThreads.numbered("tamtam-callback-" + shortId));
            pool.allowCoreThreadTimeOut(true);
            callbacks = pool;
            ownCallbacks = pool;
        }
        if (ownCallbacks != null) {
            ownCompletions = Executors.newSingleThreadExecutor(DaemonThreads.named("tamtam-complete-" + shortId));
            completions = new Completions(ownCompletions);
        } else {
            ownCompletions = null;
            completions = new Completions(callbacks);
        }
        if (config.scheduler() != null) {
            scheduler = config.scheduler();
            ownScheduler = null;
        } else {
            ownScheduler = new ExecutorScheduler("tamtam-protocol-" + shortId, this::reportError);
            scheduler = ownScheduler;
        }
        SplittableRandom random = config.randomSeed() != null ? new SplittableRandom(config.randomSeed()) : new SplittableRandom();
        payloads = new Payloads(plugins.codec());
        codec = new PacketCodec(id, plugins.compressor(),
                config.compressionDisabled() ? Integer.MAX_VALUE : config.compressionMinBytes(),
                plugins.ciphers(), config.maxFrameSize());
        TransportOptions options = new TransportOptions(config.maxDatagramSize(), config.maxFrameSize(),
                config.connectTimeout(), config.idleTimeout(), config.writeTimeout());

        Binding binding;
        try {
            binding = Binding.bind(plugins, options, config.bindAddress(), new StreamListener(), this::onDatagram);
        } catch (IOException e) {
            shutdownThreads();
            throw e;
        }
        streams = binding.streams();
        datagrams = binding.datagrams();
        InetSocketAddress advertise = binding.advertised(config.advertiseAddress());

        MemberTable table = new MemberTable(random, config.clock());
        Outbox outbox = new Outbox(codec, datagrams, streams, stats, config.maxDatagramSize(), config.maxFrameSize(),
                config.clock());
        ctx = new Context(config, id, config.clock(), scheduler, random, table, outbox, stats);
        events = new Events(callbacks, this::reportError);
        dissemination = new Disseminator(ctx);
        stats.evictedFrom(() -> dissemination.queue().evicted());
        awareness = new Awareness(config.awarenessMaxMultiplier());
        MemberInfo self = new MemberInfo(id, 0, NodeState.ALIVE, advertise, WireFormat.PROTOCOL_VERSION,
                config.applicationVersion(), Map.of());
        membership = new Membership(ctx, dissemination, awareness, events, self);
        detector = new FailureDetector(ctx, membership, dissemination, awareness);
        pushPull = new PushPull(ctx, membership);
        messaging = new Messaging(callbacks, payloads, stats, this::reportError, this::nodeOrPlaceholder);
        nodeStreams = new Streams(this, streams, codec);
        replies = new Replies(config.clock(), scheduler, completions);
        localMetadata = new LocalMetadata(config.maxMetadataBytes(),
                meta -> scheduler.execute(() -> membership.updateMetadata(meta)));
        direct = new DirectMessages(ctx, codec, payloads, replies, completions, () -> closed);
        broadcasts = new Broadcasts(ctx, dissemination, messaging, completions, () -> closed);
        inOrder = new InOrder(scheduler, 2 * config.connectTimeout().toNanos());
        events.addInternal((type, node) -> {
            if (type == MembershipEvent.Type.DEAD || type == MembershipEvent.Type.LEFT) {
                String reason = "node " + node.id() + " is " + type.name().toLowerCase(java.util.Locale.ROOT);
                replies.failTo(node.id(), reason);
                nodeStreams.closeAll(node.id(), reason);
            } else if (type == MembershipEvent.Type.REMOVED) {
                messaging.forget(node.id());
                inOrder.forget(node.id());
                direct.forget(node.id());
                ctx.outbox().forget(node.address());
            }
        });
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
        scheduleGossip();
        scheduleReap();
    }

    private void scheduleGossip() {
        scheduler.schedule(() -> {
            if (!closed) {
                dissemination.gossipRound();
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
        try {
            errorHandler.onError(context, error);
        } catch (RuntimeException e) {
            LOG.warn("error handler failed", e);
        }
    }

    // ------------------------------------------------------------------ inbound

    private void onDatagram(InetSocketAddress from, ByteBuffer datagram) {
        int len = datagram.remaining();
        if (len > config.maxDatagramSize()) {
            stats.drop(DropReason.OVERSIZED);
            return;
        }
        byte[] bytes = new byte[len];
        datagram.get(bytes);
        onPacket(bytes, from, false);
    }

    private final class StreamListener implements StreamTransport.Listener {
        @Override
        public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
            int len = frame.remaining();
            if (len > config.maxFrameSize()) {
                stats.drop(DropReason.OVERSIZED);
                return;
            }
            byte[] bytes = new byte[len];
            frame.get(bytes);
            onPacket(bytes, remote, true);
        }

        @Override
        public void onStream(StreamChannel stream) {
            if (closed || !ready) {
                stream.close();
                return;
            }
            nodeStreams.accept(stream);
        }

        @Override
        public void onDropped(InetSocketAddress remote, DropReason reason) {
            stats.drop(reason);
        }
    }

    private void onPacket(byte[] bytes, InetSocketAddress from, boolean viaFrame) {
        if (closed || !ready) {
            return;
        }
        Packet packet;
        try {
            packet = codec.decode(bytes, 0, bytes.length, viaFrame ? config.maxFrameSize()
                    : PacketCodec.datagramDecodeLimit(config.maxDatagramSize(), config.maxFrameSize()));
        } catch (WireException e) {
            stats.drop(e.reason());
            return;
        } catch (RuntimeException e) {
            stats.drop(DropReason.MALFORMED);
            return;
        }
        stats.received(bytes.length);
        UUID sender = packet.sender();
        if (sender.equals(id)) {
            return;
        }
        List<Message> protocol = null;
        for (Message m : packet.messages()) {
            if (!handleDirect(m, sender)) {
                if (protocol == null) {
                    protocol = new ArrayList<>(packet.messages().size());
                }
                protocol.add(m);
            }
        }
        if (protocol != null) {
            if (protocolBacklog.incrementAndGet() > MAX_PROTOCOL_BACKLOG) {
                protocolBacklog.decrementAndGet();
                stats.drop(DropReason.QUEUE_FULL);
                return;
            }
            List<Message> forProtocol = protocol;
            scheduler.execute(() -> {
                protocolBacklog.decrementAndGet();
                for (Message m : forProtocol) {
                    handleProtocol(m, sender, from, viaFrame);
                }
            });
        }
    }

    /** User traffic that needs no protocol state is handled on the receiving thread. */
    private boolean handleDirect(Message m, UUID sender) {
        if (m instanceof Message.User u) {
            messaging.deliver(sender, u.userType(), u.payload(), false, null);
        } else if (m instanceof Message.Reliable r) {
            Messaging.Outcome ack = (status, reply) -> answer(sender, new Message.ReliableAck(r.seq(), status,
                    status == WireFormat.STATUS_OK ? "" : new String(reply, StandardCharsets.UTF_8)));
            InOrder.Outcome o = inOrder.accept(sender, r.lane(), r.order(),
                    () -> messaging.deliver(sender, r.userType(), r.payload(), false, ack));
            if (o == InOrder.Outcome.DUPLICATE) {
                ack.done(WireFormat.STATUS_OK, new byte[0]);
            }
        } else if (m instanceof Message.Request r) {
            messaging.deliver(sender, r.userType(), r.payload(), true,
                    (status, reply) -> answer(sender, new Message.Reply(r.id(), status, reply)));
        } else if (m instanceof Message.ReliableAck a) {
            replies.answer(a.seq(), sender, a.status(), a.error().getBytes(StandardCharsets.UTF_8));
        } else if (m instanceof Message.Reply r) {
            replies.answer(r.id(), sender, r.status(), r.body());
        } else {
            return false;
        }
        return true;
    }

    private void answer(UUID to, Message m) {
        Member member = ctx.table().get(to);
        if (member == null) {
            return;
        }
        ctx.outbox().sendFrame(member.snapshot().address(), m).whenComplete((v, err) -> {
            if (err != null) {
                // The sender times out and reports it; nothing else to do here.
                LOG.debug("could not answer {}: {}", to, err.toString());
            }
        });
    }

    private void handleProtocol(Message m, UUID sender, InetSocketAddress from, boolean viaFrame) {
        if (closed) {
            return;
        }
        if (m instanceof Message.Ping p) {
            if (!membership.leaving()) {
                detector.onPing(p, viaFrame ? memberAddress(sender) : from, viaFrame);
            }
        } else if (m instanceof Message.PingReq p) {
            detector.onPingReq(p, viaFrame ? memberAddress(sender) : from);
        } else if (m instanceof Message.Ack a) {
            detector.onAck(a);
        } else if (m instanceof Message.Nack n) {
            detector.onNack(n);
        } else if (m instanceof Message.Alive a) {
            membership.onAlive(a.member());
        } else if (m instanceof Message.Suspect s) {
            membership.onSuspect(s.node(), s.incarnation(), s.from());
        } else if (m instanceof Message.Dead d) {
            membership.onDead(d.node(), d.incarnation(), d.from());
        } else if (m instanceof Message.Broadcast b) {
            broadcasts.onBroadcast(b);
        } else if (m instanceof Message.PushPull p) {
            pushPull.onPushPull(p, sender);
        } else if (m instanceof Message.Refuse r) {
            pushPull.onRefuse(r);
        } else {
            stats.drop(DropReason.MALFORMED);
        }
    }

    private InetSocketAddress memberAddress(UUID node) {
        Member m = ctx.table().get(node);
        return m == null ? null : m.snapshot().address();
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
        CompletableFuture<Node> result = new CompletableFuture<>();
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("this cluster node is closed; create a new one"));
        }
        List<InetSocketAddress> list = List.copyOf(seeds);
        if (list.isEmpty()) {
            return CompletableFuture.failedFuture(new JoinException("join needs at least one seed address", List.of()));
        }
        result.thenRun(() -> scheduler.execute(pushPull::afterJoin));
        scheduler.execute(() -> {
            List<Throwable> reasons = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger left = new AtomicInteger(list.size());
            InetSocketAddress self = membership.self().snapshot().address();
            for (InetSocketAddress seed : list) {
                CompletableFuture<MemberInfo> attempt = seed.equals(self)
                        ? CompletableFuture.failedFuture(new TamTamException("seed " + seed + " is this node's own address"))
                        : pushPull.exchange(seed, true);
                attempt.whenComplete((info, err) -> {
                    if (err == null) {
                        Member m = ctx.table().get(info.id());
                        Node n = m != null ? m.snapshot() : new NodeSnapshot(info.id(), info.address(), info.state(),
                                info.incarnation(), info.metadata(), info.protocolVersion(), info.applicationVersion());
                        completeAsync(result, n);
                    } else {
                        reasons.add(new TamTamException("seed " + seed + ": " + Completions.describe(err), err));
                        if (left.decrementAndGet() == 0 && !result.isDone()) {
                            StringBuilder sb = new StringBuilder("could not join through any of ").append(list.size()).append(" seed(s):");
                            synchronized (reasons) {
                                for (Throwable t : reasons) {
                                    sb.append(' ').append(t.getMessage()).append(';');
                                }
                            }
                            failAsync(result, new JoinException(sb.toString(), reasons));
                        }
                    }
                });
            }
        });
        return result;
    }

    @Override
    public CompletableFuture<Node> join() {
        if (config.seedProvider() == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "no seed provider configured: call join(addresses...) or set ClusterConfig.Builder.seedProvider(...)"));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return config.seedProvider().seeds();
            } catch (IOException e) {
                throw new JoinException("seed discovery failed: " + e.getMessage(), List.of(e));
            }
        }, callbacks).thenCompose(this::join);
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
        scheduler.execute(() -> {
            detector.stop();
            pushPull.stop();
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
            dissemination.stop();
        });
        replies.close("the cluster node is closed");
        nodeStreams.close();
        streams.close();
        datagrams.close();
        shutdownThreads();
    }

    private void shutdownThreads() {
        if (ownScheduler != null) {
            ownScheduler.close();
        }
        if (ownCallbacks != null) {
            ownCallbacks.shutdown();
        }
        if (ownCompletions != null) {
            ownCompletions.shutdown();
        }
    }

    @Override
    public Node localNode() {
        return membership.self().snapshot();
    }

    @Override
    public Collection<Node> members() {
        List<Node> out = new ArrayList<>();
        for (Member m : ctx.table().members()) {
            out.add(m.snapshot());
        }
        return out;
    }

    @Override
    public List<Node> aliveMembers() {
        List<Node> out = new ArrayList<>();
        for (Member m : ctx.table().members()) {
            NodeSnapshot s = m.snapshot();
            if (s.state() == NodeState.ALIVE || s.state() == NodeState.SUSPECT) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public Optional<Node> member(UUID node) {
        Member m = ctx.table().get(node);
        return m == null ? Optional.empty() : Optional.of(m.snapshot());
    }

    @Override
    public Subscription addMembershipListener(MembershipListener listener) {
        return events.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    // ------------------------------------------------------------------ metadata

    @Override
    public void setMetadata(String key, String value) {
        java.util.Objects.requireNonNull(key, "key");
        java.util.Objects.requireNonNull(value, "value");
        localMetadata.change(m -> m.put(key, value));
    }

    @Override
    public void replaceMetadata(Map<String, String> entries) {
        localMetadata.change(m -> {
            m.clear();
            m.putAll(entries);
        });
    }

    @Override
    public void removeMetadata(String key) {
        localMetadata.change(m -> m.remove(key));
    }

    // ------------------------------------------------------------------ messages

    @Override
    public <T> Subscription handle(int type, Class<T> payloadClass, MessageHandler<T> handler) {
        return messaging.handle(type, payloadClass, handler);
    }

    @Override
    public <T, R> Subscription handleRequest(int type, Class<T> payloadClass, RequestHandler<T, R> handler) {
        return messaging.handleRequest(type, payloadClass, handler);
    }

    @Override
    public CompletableFuture<Void> broadcast(int type, Object payload) {
        byte[] bytes;
        try {
            bytes = direct.encode(type, payload);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new DeliveryException("cannot broadcast: " + e.getMessage(), e));
        }
        int limit = config.maxFrameSize() - codec.overhead() - 64;
        if (bytes.length > limit) {
            return CompletableFuture.failedFuture(new DeliveryException("broadcast payload of " + bytes.length
                    + " bytes exceeds the " + limit + " bytes a frame can carry; raise maxFrameSize or use streams"));
        }
        return broadcasts.originate(type, bytes);
    }

    @Override
    public CompletableFuture<Void> send(Node node, int type, Object payload) {
        return direct.send(node, type, payload);
    }

    @Override
    public CompletableFuture<Void> sendReliable(Node node, int type, Object payload) {
        return direct.sendReliable(node, type, payload);
    }

    @Override
    public <R> CompletableFuture<R> request(Node node, int type, Object payload, Class<R> replyClass, Duration timeout) {
        return direct.request(node, type, payload, replyClass, timeout);
    }

    <T> void completeAsync(CompletableFuture<T> f, T value) {
        completions.complete(f, value);
    }

    <T> void failAsync(CompletableFuture<T> f, Throwable error) {
        completions.fail(f, error);
    }

    // ------------------------------------------------------------------ streams

    @Override
    public CompletableFuture<NodeStream> openStream(Node node, int streamType) {
        Messaging.checkUserType(streamType);
        if (direct.liveAddress(node) == null) {
            return CompletableFuture.failedFuture(new DeliveryException("node " + node.id() + " is not a live member"));
        }
        return nodeStreams.open(ctx.table().get(node.id()).snapshot(), streamType);
    }

    @Override
    public Subscription handleStream(int streamType, StreamHandler handler) {
        return nodeStreams.handle(streamType, handler);
    }

    List<io.tamtam.spi.Cipher> ciphers() {
        return plugins.ciphers();
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
    public String toString() {
        return "Cluster[" + id + " " + membership.self().snapshot().address() + "]";
    }
}
