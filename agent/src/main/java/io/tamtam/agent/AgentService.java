package io.tamtam.agent;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tamtam.Cluster;
import io.tamtam.DeliveryException;
import io.tamtam.JoinException;
import io.tamtam.MembershipEvent;
import io.tamtam.MessageType;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.RemoteException;
import io.tamtam.Subscription;
import io.tamtam.agent.grpc.AgentGrpc;
import io.tamtam.agent.grpc.BroadcastReply;
import io.tamtam.agent.grpc.BroadcastRequest;
import io.tamtam.agent.grpc.ConfigureReply;
import io.tamtam.agent.grpc.ConfigureRequest;
import io.tamtam.agent.grpc.EventsRequest;
import io.tamtam.agent.grpc.InfoReply;
import io.tamtam.agent.grpc.InfoRequest;
import io.tamtam.agent.grpc.JoinReply;
import io.tamtam.agent.grpc.JoinRequest;
import io.tamtam.agent.grpc.LeaveReply;
import io.tamtam.agent.grpc.LeaveRequest;
import io.tamtam.agent.grpc.MembersReply;
import io.tamtam.agent.grpc.MembersRequest;
import io.tamtam.agent.grpc.Message;
import io.tamtam.agent.grpc.MessagesRequest;
import io.tamtam.agent.grpc.PingReply;
import io.tamtam.agent.grpc.PingRequest;
import io.tamtam.agent.grpc.RequestReply;
import io.tamtam.agent.grpc.RequestRequest;
import io.tamtam.agent.grpc.SendReply;
import io.tamtam.agent.grpc.SendRequest;
import io.tamtam.agent.grpc.State;
import io.tamtam.agent.grpc.StatsReply;
import io.tamtam.agent.grpc.StatsRequest;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** The gRPC control API of one agent. */
final class AgentService extends AgentGrpc.AgentImplBase {
    /**
     * Events waiting for an Events subscriber whose gRPC buffer stayed full, or messages skipped in a row for a
     * Messages subscriber, before its stream is ended.
     */
    static final int MAX_UNREAD_EVENTS = 1024;
    /** Events streams, and Messages streams, open at once on one agent; more are refused with RESOURCE_EXHAUSTED. */
    static final int MAX_STREAMS = 32;
    /** Calls open at once on one client connection. */
    static final int MAX_CALLS_PER_CONNECTION = 64;

    private final java.util.concurrent.Semaphore eventStreams = new java.util.concurrent.Semaphore(MAX_STREAMS);
    private final java.util.concurrent.Semaphore messageStreams = new java.util.concurrent.Semaphore(MAX_STREAMS);

    private final AgentServer agent;
    private final Cluster cluster;

    /** @return the Events streams open now */
    int openEventStreams() {
        return MAX_STREAMS - eventStreams.availablePermits();
    }

    /** @return the Messages streams open now */
    int openMessageStreams() {
        return MAX_STREAMS - messageStreams.availablePermits();
    }

    AgentService(AgentServer agent) {
        this.agent = agent;
        this.cluster = agent.cluster;
    }

    @Override
    public void info(InfoRequest request, StreamObserver<InfoReply> out) {
        Node self = cluster.localNode();
        InfoReply.Builder b = InfoReply.newBuilder()
                .setId(self.id().toString())
                .setName(AgentServer.name(self))
                .setAddress(Addresses.format(self.address()))
                .setBindAddress(bindAddress(cluster))
                .setRpcAddress(Addresses.format(agent.rpcAddress()))
                .setHttpAddress(agent.httpAddress().map(Addresses::format).orElse(""))
                .setVersion(agent.version)
                .setProtocolVersion(self.protocolVersion())
                .setLocalHealthScore(cluster.stats().localHealthScore())
                .addAllMessageTypes(agent.messageTypes)
                .setRequestType(AgentServer.ECHO.id());
        reply(out, b.build());
    }

    /** The configured bind address, with the port the node actually bound when it was configured as 0. */
    private static String bindAddress(Cluster cluster) {
        InetSocketAddress bind = cluster.config().bindAddress();
        return Addresses.format(bind.getPort() != 0 ? bind : new InetSocketAddress(bind.getAddress(), cluster.localNode().address().getPort()));
    }

    @Override
    public void members(MembersRequest request, StreamObserver<MembersReply> out) {
        EnumSet<NodeState> wanted = EnumSet.noneOf(NodeState.class);
        for (State s : request.getStatesList()) {
            switch (s) {
                case ALIVE -> wanted.add(NodeState.ALIVE);
                case SUSPECT -> wanted.add(NodeState.SUSPECT);
                case DEAD -> wanted.add(NodeState.DEAD);
                case LEFT -> wanted.add(NodeState.LEFT);
                default -> {
                    out.onError(invalid("unknown member state " + s));
                    return;
                }
            }
        }
        List<Node> nodes = wanted.isEmpty() ? cluster.members() : cluster.members(wanted.toArray(NodeState[]::new));
        MembersReply.Builder b = MembersReply.newBuilder();
        nodes.stream().sorted((x, y) -> AgentServer.name(x).compareTo(AgentServer.name(y)))
                .forEach(n -> b.addMembers(agent.member(n)));
        reply(out, b.build());
    }

    @Override
    public void join(JoinRequest request, StreamObserver<JoinReply> out) {
        if (request.getAddressesCount() == 0) {
            out.onError(invalid("no address to join: give at least one host:port"));
            return;
        }
        List<InetSocketAddress> seeds = new ArrayList<>();
        for (String a : request.getAddressesList()) {
            try {
                seeds.add(Addresses.parse(a, "join address"));
            } catch (IllegalArgumentException e) {
                out.onError(invalid(e.getMessage()));
                return;
            }
        }
        complete(out, cluster.join(seeds), node -> JoinReply.newBuilder()
                .setJoinedThrough(Addresses.format(node.address()))
                .setLiveMembers(cluster.memberCount(NodeState.ALIVE, NodeState.SUSPECT)).build());
    }

    @Override
    public void leave(LeaveRequest request, StreamObserver<LeaveReply> out) {
        long ms = request.getTimeoutMillis() <= 0 ? 2000 : Math.min(request.getTimeoutMillis(), 60_000);
        Duration timeout = Duration.ofMillis(ms);
        complete(out, cluster.leave(timeout), v -> LeaveReply.getDefaultInstance(), () -> agent.leaveAndStop(Duration.ZERO));
    }

    @Override
    public void broadcast(BroadcastRequest request, StreamObserver<BroadcastReply> out) {
        MessageType<byte[]> type;
        try {
            type = type(request.getType());
        } catch (IllegalArgumentException e) {
            out.onError(invalid(e.getMessage()));
            return;
        }
        complete(out, cluster.broadcast(type, request.getPayload().toByteArray()), v -> BroadcastReply.getDefaultInstance());
    }

    @Override
    public void send(SendRequest request, StreamObserver<SendReply> out) {
        Node node;
        MessageType<byte[]> type;
        try {
            node = agent.resolve(request.getNode());
            type = type(request.getType());
        } catch (IllegalArgumentException e) {
            out.onError(notFoundOrInvalid(e));
            return;
        }
        byte[] payload = request.getPayload().toByteArray();
        CompletableFuture<Void> f = request.getReliable() ? cluster.sendReliable(node, type, payload) : cluster.send(node, type, payload);
        complete(out, f, v -> SendReply.newBuilder().setNodeId(node.id().toString()).build());
    }

    @Override
    public void request(RequestRequest request, StreamObserver<RequestReply> out) {
        roundTrip(out, request.getNode(), AgentServer.ECHO, request.getPayload().toByteArray(), request.getTimeoutMillis(), 300_000,
                (node, r, micros) -> RequestReply.newBuilder().setNodeId(node.id().toString())
                        .setPayload(ByteString.copyFrom(r == null ? new byte[0] : r))
                        .setRoundTripMicros(micros).build());
    }

    @Override
    public void ping(PingRequest request, StreamObserver<PingReply> out) {
        // One probe (PING/ACK) through the failure detector's own path, not a request to the remote agent.
        Node node;
        try {
            node = agent.resolve(request.getNode());
        } catch (IllegalArgumentException e) {
            out.onError(notFoundOrInvalid(e));
            return;
        }
        long ms = request.getTimeoutMillis() <= 0 ? 5000 : Math.min(request.getTimeoutMillis(), 60_000);
        complete(out, cluster.ping(node, Duration.ofMillis(ms)), rtt -> {
            PingReply.Builder b = PingReply.newBuilder().setNodeId(node.id().toString()).setName(AgentServer.name(node))
                    .setRoundTripMicros(rtt.toNanos() / 1000);
            cluster.stats().probeRoundTrips(node.id()).ifPresent(rt -> b.setProbeSamples(rt.samples())
                    .setProbeP50Micros(rt.p50().toNanos() / 1000).setProbeP99Micros(rt.p99().toNanos() / 1000));
            return b.build();
        });
    }

    /** Builds a reply from the resolved node, the remote agent's reply and the round trip in microseconds. */
    private interface RoundTripReply<T> {
        T build(Node node, byte[] reply, long micros);
    }

    /** A request to the agent of a node given by name, id or address; the reply built when it answers. */
    private <T> void roundTrip(StreamObserver<T> out, String nodeText, io.tamtam.RequestType<byte[], byte[]> type, byte[] payload,
                               long timeoutMillis, long maxMillis, RoundTripReply<T> reply) {
        Node node;
        try {
            node = agent.resolve(nodeText);
        } catch (IllegalArgumentException e) {
            out.onError(notFoundOrInvalid(e));
            return;
        }
        long ms = timeoutMillis <= 0 ? 5000 : Math.min(timeoutMillis, maxMillis);
        long start = System.nanoTime();
        complete(out, cluster.request(node, type, payload, Duration.ofMillis(ms)),
                r -> reply.build(node, r, (System.nanoTime() - start) / 1000));
    }

    @Override
    public void stats(StatsRequest request, StreamObserver<StatsReply> out) {
        reply(out, StatsReply.newBuilder().putAllCounters(agent.counters()).build());
    }

    @Override
    public void configure(ConfigureRequest request, StreamObserver<ConfigureReply> out) {
        try {
            AgentLog.Level level = request.getLogLevel().isEmpty() ? null : AgentLog.parse(request.getLogLevel());
            for (String key : request.getRemoveMetadataList()) {
                if (key.equals("name")) {
                    throw new IllegalArgumentException("metadata 'name' cannot be removed: set it to another name instead");
                }
            }
            java.util.Map<String, String> md = cluster.localNode().metadata();
            if (request.getSetMetadataCount() > 0 || request.getRemoveMetadataCount() > 0) {
                md = new java.util.LinkedHashMap<>(md);
                md.putAll(request.getSetMetadataMap());
                request.getRemoveMetadataList().forEach(md::remove);
                // the node applies it on its own thread: the reply shows what was set, not a snapshot that may precede it
                cluster.replaceMetadata(md);
            }
            if (level != null) {
                agent.log.level(level);
                agent.log.log(level, "log level set to " + level);
            }
            reply(out, ConfigureReply.newBuilder().setLogLevel(agent.log.level().name().toLowerCase(java.util.Locale.ROOT))
                    .putAllMetadata(md).build());
        } catch (IllegalArgumentException e) {
            out.onError(invalid(e.getMessage()));
        }
    }

    @Override
    public void events(EventsRequest request, StreamObserver<io.tamtam.agent.grpc.MembershipEvent> out) {
        ServerCallStreamObserver<io.tamtam.agent.grpc.MembershipEvent> call =
                (ServerCallStreamObserver<io.tamtam.agent.grpc.MembershipEvent>) out;
        Runnable release = take(eventStreams, call, "Events");
        if (release == null) {
            return;
        }
        EventFeed feed = new EventFeed(call, release);
        call.setOnReadyHandler(feed::drain);
        call.setOnCancelHandler(feed::end);
        call.setOnCloseHandler(feed::end);
        feed.subscribed(cluster.snapshotAndSubscribe(feed::snapshot, feed::event));
    }

    /**
     * One Events stream: the snapshot and the events not yet passed to gRPC, passed only while the call is
     * ready, so gRPC holds no more than its flow-control window for the client. When {@link #MAX_UNREAD_EVENTS}
     * events wait behind that window, the stream ends with RESOURCE_EXHAUSTED (a gap would leave the client's
     * view wrong: it subscribes again for a new snapshot).
     */
    private final class EventFeed {
        private final ServerCallStreamObserver<io.tamtam.agent.grpc.MembershipEvent> call;
        private final Runnable release;
        private final java.util.ArrayDeque<io.tamtam.agent.grpc.MembershipEvent> queue = new java.util.ArrayDeque<>();
        /** Snapshot entries still in the queue: they come first. */
        private int snapshotQueued;
        private Subscription subscription;
        private boolean ended;

        EventFeed(ServerCallStreamObserver<io.tamtam.agent.grpc.MembershipEvent> call, Runnable release) {
            this.call = call;
            this.release = release;
        }

        synchronized void subscribed(Subscription s) {
            if (ended) {
                s.close();
            } else {
                subscription = s;
            }
        }

        synchronized void snapshot(List<Node> nodes) {
            if (ended) {
                return;
            }
            for (Node n : nodes) {
                queue.add(io.tamtam.agent.grpc.MembershipEvent.newBuilder().setType("SNAPSHOT")
                        .setMember(agent.member(n)).setUnixMillis(System.currentTimeMillis()).build());
            }
            snapshotQueued += nodes.size();
            drain();
        }

        synchronized void event(MembershipEvent e) {
            if (ended) {
                return;
            }
            if (queue.size() - snapshotQueued >= MAX_UNREAD_EVENTS) {
                agent.streamDrops.increment();
                call.onError(Status.RESOURCE_EXHAUSTED.withDescription("the client read no event while "
                        + MAX_UNREAD_EVENTS + " more arrived; subscribe again for a new snapshot").asRuntimeException());
                end();
                return;
            }
            queue.add(io.tamtam.agent.grpc.MembershipEvent.newBuilder().setType(e.type().name())
                    .setMember(agent.member(e.node())).setCause(e.cause().name())
                    .setUnixMillis(System.currentTimeMillis()).build());
            drain();
        }

        synchronized void drain() {
            while (!ended && !queue.isEmpty() && call.isReady() && !call.isCancelled()) {
                snapshotQueued = Math.max(0, snapshotQueued - 1);
                call.onNext(queue.poll());
            }
        }

        synchronized void end() {
            if (!ended) {
                ended = true;
                queue.clear();
                if (subscription != null) {
                    subscription.close();
                }
                release.run();
            }
        }
    }

    @Override
    public void messages(MessagesRequest request, StreamObserver<Message> out) {
        ServerCallStreamObserver<Message> call = (ServerCallStreamObserver<Message>) out;
        Runnable release = take(messageStreams, call, "Messages");
        if (release == null) {
            return;
        }
        int[] skipped = new int[1];
        java.util.concurrent.atomic.AtomicReference<Subscription> holder = new java.util.concurrent.atomic.AtomicReference<>();
        Runnable end = () -> {
            Subscription s = holder.getAndSet(() -> { });
            if (s != null) {
                s.close();
            }
            release.run();
        };
        holder.set(agent.subscribeMessages(m -> {
            synchronized (call) {
                if (call.isCancelled() || skipped[0] > MAX_UNREAD_EVENTS) {
                    return;
                }
                if (call.isReady()) {
                    skipped[0] = 0;
                    call.onNext(m);
                    return;
                }
                // the client is not reading: gRPC's buffer for it is full; skip rather than grow it
                agent.streamDrops.increment();
                if (++skipped[0] > MAX_UNREAD_EVENTS) {
                    // it holds one of MAX_STREAMS slots: a client that reads nothing more gives it up
                    call.onError(Status.RESOURCE_EXHAUSTED.withDescription("the client read no message while "
                            + MAX_UNREAD_EVENTS + " more arrived (each was skipped); subscribe again").asRuntimeException());
                    end.run();
                }
            }
        }));
        call.setOnCancelHandler(end);
        call.setOnCloseHandler(end);
    }

    /**
     * Takes one of an agent-wide bound of stream slots, or ends the call with RESOURCE_EXHAUSTED.
     *
     * @return what gives the slot back (once, however often it runs), or null when none was free
     */
    private static Runnable take(java.util.concurrent.Semaphore slots, ServerCallStreamObserver<?> call, String kind) {
        if (!slots.tryAcquire()) {
            call.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many " + kind + " streams open on this agent ("
                    + MAX_STREAMS + "): close a stream that is no longer read, or retry later").asRuntimeException());
            return null;
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
    }

    private static MessageType<byte[]> type(int type) {
        return MessageType.of(type == 0 ? 1000 : type, byte[].class);
    }

    private static <T> void reply(StreamObserver<T> out, T value) {
        out.onNext(value);
        out.onCompleted();
    }

    static <F, T> void complete(StreamObserver<T> out, CompletableFuture<F> f, Function<F, T> reply) {
        complete(out, f, reply, () -> { });
    }

    private static <F, T> void complete(StreamObserver<T> out, CompletableFuture<F> f, Function<F, T> reply, Runnable after) {
        f.whenComplete((v, error) -> {
            if (error != null) {
                out.onError(status(error));
            } else {
                try {
                    reply(out, reply.apply(v));
                } catch (RuntimeException e) {
                    out.onError(Status.INTERNAL.withDescription(Errors.message(e)).asRuntimeException());
                }
                after.run();
            }
        });
    }

    static StatusRuntimeException status(Throwable error) {
        Throwable e = Errors.unwrap(error);
        Status s;
        if (e instanceof TimeoutException) {
            s = Status.DEADLINE_EXCEEDED;
        } else if (e instanceof JoinException || e instanceof DeliveryException) {
            s = Status.UNAVAILABLE;
        } else if (e instanceof RemoteException) {
            s = Status.ABORTED;
        } else if (e instanceof IllegalArgumentException) {
            s = Status.INVALID_ARGUMENT;
        } else if (e instanceof IllegalStateException) {
            s = Status.FAILED_PRECONDITION;
        } else {
            s = Status.INTERNAL;
        }
        StringBuilder m = new StringBuilder(Errors.message(e));
        for (Throwable sup : e.getSuppressed()) {
            String reason = Errors.message(sup);
            if (m.indexOf(reason) < 0) {
                m.append("; ").append(reason);
            }
        }
        return s.withDescription(m.toString()).asRuntimeException();
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    private static StatusRuntimeException notFoundOrInvalid(IllegalArgumentException e) {
        String m = e.getMessage();
        return (m != null && m.startsWith("unknown node") ? Status.NOT_FOUND : Status.INVALID_ARGUMENT)
                .withDescription(m).asRuntimeException();
    }
}
