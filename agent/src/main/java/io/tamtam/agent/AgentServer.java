package io.tamtam.agent;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.ClusterStats;
import io.tamtam.MembershipEvent;
import io.tamtam.MessageType;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.Packet;
import io.tamtam.RequestType;
import io.tamtam.Subscription;
import io.tamtam.agent.grpc.Member;
import io.tamtam.agent.grpc.Message;
import io.tamtam.agent.grpc.State;
import io.tamtam.micrometer.TamTamMetrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A running agent: one cluster node, its gRPC control API and its HTTP server. Built on TamTam's public
 * API only.
 */
final class AgentServer implements AutoCloseable {
    /** The request type every agent answers by echoing the payload; {@code tamtam request} uses it. */
    static final RequestType<byte[], byte[]> ECHO = RequestType.of(Cluster.USER_TYPE_MAX - 1, byte[].class, byte[].class);

    private final Settings settings;
    final AgentLog log;
    final Cluster cluster;
    final PrometheusMeterRegistry metrics;
    final List<Integer> messageTypes;
    final int expect;
    private Server grpcServer;
    AgentService service;
    private HttpApi http;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final CopyOnWriteArrayList<Consumer<Message>> messageSubscribers = new CopyOnWriteArrayList<>();
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder streamDrops = new LongAdder();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean joined = new AtomicBoolean();
    final String version;

    AgentServer(Settings settings, AgentLog log) throws IOException {
        this.settings = settings;
        this.log = log;
        this.version = Main.version();
        this.expect = settings.integer("expect");
        this.messageTypes = new ArrayList<>();
        for (String t : settings.list("message-types")) {
            try {
                messageTypes.add(Integer.parseInt(t));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("message-types: '" + t + "' is not a number");
            }
        }
        InetSocketAddress rpcAddress = Addresses.parse(settings.get("rpc"), "rpc address");
        String token = settings.get("rpc-token");
        if (!rpcAddress.getAddress().isLoopbackAddress() && token.isEmpty()) {
            throw new IllegalArgumentException("the gRPC API binds to " + settings.get("rpc")
                    + ", beyond loopback: set --rpc-token (or TAMTAM_RPC_TOKEN) so that only holders of the token can call it");
        }
        String httpSetting = settings.get("http");
        InetSocketAddress httpAddress = httpSetting.equalsIgnoreCase("off") ? null : Addresses.parse(httpSetting, "http address");
        if (httpAddress != null && !httpAddress.getAddress().isLoopbackAddress() && token.isEmpty()) {
            throw new IllegalArgumentException("the HTTP server binds to " + httpSetting + ", beyond loopback: set --rpc-token "
                    + "(or TAMTAM_RPC_TOKEN) so that only holders of the token can read it (health checks excepted), "
                    + "or bind --http to loopback, or set it to 'off'");
        }
        ClusterConfig.Builder config = switch (settings.get("profile").toLowerCase(Locale.ROOT)) {
            case "lan" -> ClusterConfig.lan();
            case "wan" -> ClusterConfig.wan();
            case "local" -> ClusterConfig.local();
            default -> throw new IllegalArgumentException("profile: '" + settings.get("profile") + "' is not lan, wan or local");
        };
        config.bindAddress(Addresses.parse(settings.get("bind"), "bind address"));
        if (!settings.get("advertise").isBlank()) {
            config.advertiseAddress(Addresses.parse(settings.get("advertise"), "advertise address"));
        }
        List<String> keys = settings.list("keys");
        if (!keys.isEmpty()) {
            byte[][] decoded = new byte[keys.size()][];
            for (int i = 0; i < keys.size(); i++) {
                try {
                    decoded[i] = Base64.getDecoder().decode(keys.get(i));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("keys: key " + (i + 1) + " is not base64");
                }
            }
            config.encryptionKeys(decoded[0], java.util.Arrays.copyOfRange(decoded, 1, decoded.length));
        }
        String label = settings.get("label");
        int labelBytes = label.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (labelBytes > 255) {
            throw new IllegalArgumentException("label: at most 255 UTF-8 bytes, got " + labelBytes);
        }
        config.clusterLabel(label);
        config.applicationVersion("tamtam-agent/" + version);
        config.errorHandler((context, error) -> log.debug("node: " + context + ": " + error));
        Map<String, String> initialMetadata = settings.map("metadata");
        cluster = Cluster.create(config.build());
        try {
            Map<String, String> md = new LinkedHashMap<>(initialMetadata);
            String name = settings.get("name").isBlank() ? Addresses.format(cluster.localNode().address()) : settings.get("name");
            md.put("name", name);
            cluster.replaceMetadata(md);
            for (int type : messageTypes) {
                MessageType<byte[]> mt = MessageType.of(type, byte[].class);
                subscriptions.add(cluster.handle(mt, p -> deliver("message", p)));
            }
            subscriptions.add(cluster.handleRequest(ECHO, Packet::payload));
            subscriptions.add(cluster.addMembershipListener(this::logEvent));
            metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new TamTamMetrics(cluster).bindTo(metrics);
            io.micrometer.core.instrument.FunctionCounter.builder("tamtam.agent.stream.dropped", streamDrops, LongAdder::doubleValue)
                    .description("messages not passed to a stream subscriber that could not keep up").register(metrics);

            service = new AgentService(this);
            grpcServer = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(rpcAddress)
                    .addService(ServerInterceptors.intercept(service, new TokenInterceptor(token)))
                    .addService(ServerInterceptors.intercept(new KeysService(this), new TokenInterceptor(token)))
                    .maxInboundMessageSize(8 * 1024 * 1024)
                    .maxConcurrentCallsPerConnection(AgentService.MAX_CALLS_PER_CONNECTION)
                    .build()
                    .start();
            http = httpAddress == null ? null
                    : HttpApi.start(this, httpAddress, httpAddress.getAddress().isLoopbackAddress() ? "" : token);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Passes a received message (a broadcast or a direct one: one handler gets both) to every stream subscriber. */
    private void deliver(String kind, Packet<byte[]> p) {
        messagesReceived.increment();
        Message m = Message.newBuilder()
                .setKind(kind)
                .setType(p.type().id())
                .setFromId(p.sender().id().toString())
                .setFromName(name(p.sender()))
                .setPayload(com.google.protobuf.ByteString.copyFrom(p.payload()))
                .setUnixMillis(System.currentTimeMillis())
                .build();
        for (Consumer<Message> s : messageSubscribers) {
            s.accept(m);
        }
    }

    Subscription subscribeMessages(Consumer<Message> subscriber) {
        messageSubscribers.add(subscriber);
        return () -> messageSubscribers.remove(subscriber);
    }

    private void logEvent(MembershipEvent e) {
        log.info("member " + name(e.node()) + " (" + e.node().id() + ", " + Addresses.format(e.node().address()) + ") "
                + e.type() + ": " + e.cause());
    }

    /** Joins the configured seeds, if any; failures are logged, the agent keeps running alone. */
    void joinSeeds() {
        List<String> seeds = settings.list("join");
        if (seeds.isEmpty()) {
            return;
        }
        List<InetSocketAddress> addrs = seeds.stream().map(s -> Addresses.parse(s, "join address")).toList();
        cluster.join(addrs).whenComplete((node, error) -> {
            if (error != null) {
                log.warn("join " + String.join(",", seeds) + " failed: " + Errors.message(error));
            } else {
                joined.set(true);
                log.info("joined through " + Addresses.format(node.address()));
            }
        });
    }

    InetSocketAddress rpcAddress() {
        return (InetSocketAddress) grpcServer.getListenSockets().get(0);
    }

    Optional<InetSocketAddress> httpAddress() {
        return http == null ? Optional.empty() : Optional.of(http.address());
    }

    static String name(Node n) {
        String name = n.metadata().get("name");
        return name == null ? Addresses.format(n.address()) : name;
    }

    /**
     * @param text a node id, a unique id prefix, a name or an address
     * @return the member
     * @throws IllegalArgumentException naming the node when none or several match
     */
    Node resolve(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("no node given: name a node by id, id prefix, name or host:port");
        }
        List<Node> members = cluster.members();
        try {
            UUID id = UUID.fromString(t);
            return cluster.member(id).orElseThrow(() -> new IllegalArgumentException("unknown node '" + text + "'"));
        } catch (IllegalArgumentException notUuid) {
            // fall through to the other forms
        }
        List<Node> byName = members.stream().filter(n -> t.equals(n.metadata().get("name"))
                || t.equals(Addresses.format(n.address()))).toList();
        if (byName.size() == 1) {
            return byName.get(0);
        }
        List<Node> byPrefix = members.stream().filter(n -> n.id().toString().startsWith(t.toLowerCase(Locale.ROOT))).toList();
        if (byName.isEmpty() && byPrefix.size() == 1) {
            return byPrefix.get(0);
        }
        if (byName.size() > 1 || byPrefix.size() > 1) {
            throw new IllegalArgumentException("node '" + text + "' is ambiguous: " + Math.max(byName.size(), byPrefix.size())
                    + " members match; give the full id");
        }
        throw new IllegalArgumentException("unknown node '" + text + "': not a member id, name or address this agent knows");
    }

    Member member(Node n) {
        Optional<ClusterStats.RoundTrips> rtt = cluster.stats().probeRoundTrips(n.id());
        return Member.newBuilder()
                .setId(n.id().toString())
                .setName(name(n))
                .setAddress(Addresses.format(n.address()))
                .setState(state(n.state()))
                .setIncarnation(n.incarnation())
                .putAllMetadata(n.metadata())
                .setProtocolVersion(n.protocolVersion())
                .setApplicationVersion(n.applicationVersion())
                .setRttP50Micros(rtt.map(r -> r.p50().toNanos() / 1000).orElse(0L))
                .setLocal(n.id().equals(cluster.localNode().id()))
                .build();
    }

    static State state(NodeState s) {
        return switch (s) {
            case ALIVE -> State.ALIVE;
            case SUSPECT -> State.SUSPECT;
            case DEAD -> State.DEAD;
            case LEFT -> State.LEFT;
        };
    }

    /**
     * @return whether the node has joined (when seeds are configured: a join succeeded or another member
     *         is known) and at least {@code expect} members are live
     */
    boolean ready() {
        if (cluster.memberCount() > 1) {
            joined.set(true);
        }
        return (joined.get() || settings.list("join").isEmpty())
                && cluster.memberCount(NodeState.ALIVE, NodeState.SUSPECT) >= Math.max(expect, 1);
    }

    /** Every counter of the node and the agent, by name (the /metrics names without the tamtam_ prefix). */
    Map<String, Long> counters() {
        ClusterStats s = cluster.stats();
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("members_alive", (long) cluster.memberCount(NodeState.ALIVE));
        c.put("members_suspect", (long) cluster.memberCount(NodeState.SUSPECT));
        c.put("members_dead", (long) cluster.memberCount(NodeState.DEAD));
        c.put("members_left", (long) cluster.memberCount(NodeState.LEFT));
        c.put("health_score", (long) s.localHealthScore());
        c.put("packets_sent", s.packetsSent());
        c.put("packets_received", s.packetsReceived());
        c.put("bytes_sent", s.bytesSent());
        c.put("bytes_received", s.bytesReceived());
        long userSent = 0;
        for (Map.Entry<Integer, Long> e : s.messagesSentByType().entrySet()) {
            userSent += e.getKey() >= Cluster.USER_TYPE_MIN ? e.getValue() : 0;
        }
        long userReceived = 0;
        for (Map.Entry<Integer, Long> e : s.messagesReceivedByType().entrySet()) {
            userReceived += e.getKey() >= Cluster.USER_TYPE_MIN ? e.getValue() : 0;
        }
        c.put("user_messages_sent", userSent);
        c.put("user_messages_received", userReceived);
        c.put("broadcasts_originated", s.broadcastsOriginated());
        c.put("broadcasts_relayed", s.broadcastsRelayed());
        c.put("suspicions_raised", s.suspicionsRaised());
        c.put("suspicions_refuted", s.suspicionsRefuted());
        c.put("suspicions_confirmed", s.suspicionsConfirmed());
        long dropped = 0;
        for (io.tamtam.DropReason r : io.tamtam.DropReason.values()) {
            dropped += s.dropped(r);
        }
        c.put("dropped", dropped);
        c.put("errors", s.errors());
        c.put("callback_errors", s.callbackErrors());
        c.put("broadcast_queue_items", s.broadcastQueueItems());
        c.put("protocol_backlog", s.protocolBacklog());
        ClusterStats.RoundTrips rtt = s.probeRoundTrips();
        c.put("probe_rtt_p50_micros", rtt.p50().toNanos() / 1000);
        c.put("probe_rtt_p99_micros", rtt.p99().toNanos() / 1000);
        c.put("agent_messages_received", messagesReceived.sum());
        c.put("agent_stream_dropped", streamDrops.sum());
        return c;
    }

    /** Leaves gracefully, then stops everything; returns at once, the work runs on its own thread. */
    void leaveAndStop(Duration timeout) {
        Thread t = new Thread(() -> {
            try {
                cluster.leave(timeout).get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.warn("leave: " + Errors.message(e));
            }
            close();
        }, "tamtam-agent-leave");
        t.start();
    }

    void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            if (http != null) {
                http.close();
            }
            if (grpcServer != null) {
                grpcServer.shutdownNow();
            }
            subscriptions.forEach(Subscription::close);
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            stopped.countDown();
        }
    }
}
