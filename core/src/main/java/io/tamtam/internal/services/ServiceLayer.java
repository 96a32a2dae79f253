package io.tamtam.internal.services;

import io.tamtam.ClusterStats;
import io.tamtam.DeliveryException;
import io.tamtam.DropReason;
import io.tamtam.MembershipEvent;
import io.tamtam.MessageType;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.RemoteException;
import io.tamtam.RequestType;
import io.tamtam.Subscription;
import io.tamtam.internal.Context;
import io.tamtam.internal.dissemination.Broadcasts;
import io.tamtam.internal.membership.NodeSnapshot;
import io.tamtam.internal.messaging.DirectMessages;
import io.tamtam.internal.messaging.Messaging;
import io.tamtam.internal.messaging.ReservedTypes;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.runtime.ListenerLanes;
import io.tamtam.internal.runtime.SerialExecutor;
import io.tamtam.internal.wire.WireException;
import io.tamtam.services.Delivery;
import io.tamtam.services.ServiceEvent;
import io.tamtam.services.ServiceHandler;
import io.tamtam.services.ServiceInstance;
import io.tamtam.services.ServiceListener;
import io.tamtam.services.ServiceMessage;
import io.tamtam.services.Services;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The services registry and service messaging of one node. Registry state changes on the protocol
 * thread (from membership events and local registrations); readers get immutable snapshots.
 */
public final class ServiceLayer implements Services {
    /** Reserved user type of a message to a service (best effort or reliable). */
    public static final int TYPE_MESSAGE = 0x30;
    /** Reserved user type of a request to a service. */
    public static final int TYPE_REQUEST = 0x31;
    /** Reserved user type of a service broadcast. */
    public static final int TYPE_BROADCAST = 0x32;

    /** Reserved user type of a message routed to a service of another cluster. */
    public static final int TYPE_ROUTED = 0x37;
    /** Reserved user type of the reply to a routed message, retracing its path. */
    public static final int TYPE_ROUTED_REPLY = 0x38;
    /** Most routed messages this node waits on at once. */
    public static final int MAX_ROUTED_IN_FLIGHT = 10_000;

    /** Forwards routed traffic between the clusters of a gateway; set by the gateway. */
    public interface Router {
        /**
         * @param m    a routed message this node neither handles nor may send back
         * @param from the layer it arrived on
         */
        void forward(Routed.Message m, ServiceLayer from);

        /**
         * @param r    a reply to pass on (its path's last node is the next hop)
         * @param from the layer it arrived on
         */
        void reply(Routed.Reply r, ServiceLayer from);

        /** @return the ids of every node of the gateway, for loop detection */
        Set<UUID> nodes();
    }

    private static final MessageType<byte[]> ROUTED = ReservedTypes.bytes(TYPE_ROUTED);
    private static final MessageType<byte[]> ROUTED_REPLY = ReservedTypes.bytes(TYPE_ROUTED_REPLY);
    private static final MessageType<byte[]> MESSAGE = ReservedTypes.bytes(TYPE_MESSAGE);
    private static final RequestType<byte[], byte[]> REQUEST = ReservedTypes.request(TYPE_REQUEST);
    private static final MessageType<byte[]> BROADCAST = ReservedTypes.bytes(TYPE_BROADCAST);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_NAME_LENGTH + "}");

    private enum Mode { SEND, RELIABLE, REQUEST }

    private record Held(String service, Mode mode, byte[] payload, Delivery delivery, CompletableFuture<byte[]> future) {
    }

    private final Context ctx;
    private final DirectMessages direct;
    private final Broadcasts broadcasts;
    private final Completions completions;
    private final Executor callbacks;
    private final BiConsumer<String, Throwable> errors;
    private final Supplier<Node> self;
    private final Consumer<Consumer<Map<String, String>>> metadata;
    private final SerialExecutor localLane;

    private final Map<String, ServiceHandler> local = new ConcurrentHashMap<>();
    private final Object registerLock = new Object();
    private final ListenerLanes<ServiceEvent> listeners;

    // protocol thread only
    private final Map<UUID, Set<String>> offered = new HashMap<>();
    private final Map<String, TreeMap<UUID, Node>> byService = new HashMap<>();
    private final Map<String, AtomicInteger> roundRobin = new HashMap<>();
    private final Map<String, ArrayDeque<Held>> held = new HashMap<>();
    private int heldCount;
    private long heldBytes;
    private volatile int heldCountView;
    private volatile Map<String, List<ServiceInstance>> view = Map.of();
    private final Map<UUID, Map<String, List<String>>> advertised = new HashMap<>();
    private volatile Map<String, Map<UUID, List<String>>> routeView = Map.of();
    private final List<Runnable> changeHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Router router;
    private final Map<Long, CompletableFuture<byte[]>> routedInFlight = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong nextRouted;

    /**
     * @param ctx         shared protocol parts
     * @param messaging   registers the service handlers
     * @param direct      sends to one node
     * @param broadcasts  disseminates service broadcasts
     * @param completions completes futures off the protocol thread
     * @param callbacks   runs user code
     * @param errors      reports user-code failures
     * @param self        this node's snapshot now
     * @param metadata    changes this node's metadata (throws IllegalArgumentException past its bound)
     */
    public ServiceLayer(Context ctx, Messaging messaging, DirectMessages direct, Broadcasts broadcasts,
                        Completions completions, Executor callbacks, BiConsumer<String, Throwable> errors,
                        Supplier<Node> self, Consumer<Consumer<Map<String, String>>> metadata) {
        this.ctx = ctx;
        this.direct = direct;
        this.broadcasts = broadcasts;
        this.completions = completions;
        this.callbacks = callbacks;
        this.errors = errors;
        this.self = self;
        this.metadata = metadata;
        this.localLane = new SerialExecutor(callbacks);
        this.listeners = new ListenerLanes<>(callbacks, errors, "service listener");
        messaging.handle(MESSAGE, p -> onMessage(p.sender(), p.payload(), false));
        messaging.handleRequest(REQUEST, p -> onRequest(p.sender(), p.payload()));
        messaging.handle(BROADCAST, p -> onMessage(p.sender(), p.payload(), true));
        messaging.handle(ROUTED, p -> onRouted(p.payload()));
        messaging.handle(ROUTED_REPLY, p -> onRoutedReply(p.payload()));
        nextRouted = new java.util.concurrent.atomic.AtomicLong(ctx.random().nextLong() & Long.MAX_VALUE);
    }

    // ------------------------------------------------------------------ registry

    @Override
    public Subscription register(String name, ServiceHandler handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        checkName(name);
        synchronized (registerLock) {
            if (local.containsKey(name)) {
                throw new IllegalStateException("this node already offers service '" + name
                        + "'; close its Subscription first");
            }
            if (local.size() >= MAX_SERVICES_PER_NODE) {
                throw new IllegalStateException("this node already offers " + MAX_SERVICES_PER_NODE
                        + " services, the most one node may offer; unregister one first");
            }
            local.put(name, handler);
            try {
                publish();
            } catch (IllegalArgumentException e) {
                local.remove(name);
                throw new IllegalArgumentException("cannot announce service '" + name + "': " + e.getMessage(), e);
            }
        }
        ctx.scheduler().execute(() -> localChanged(name, true));
        return () -> {
            synchronized (registerLock) {
                if (!local.remove(name, handler)) {
                    return;
                }
                publish();
            }
            ctx.scheduler().execute(() -> localChanged(name, false));
        };
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("service name '" + name + "' is invalid: use 1 to " + MAX_NAME_LENGTH
                    + " letters, digits, '.', '_' or '-'");
        }
    }

    private void publish() {
        String csv = String.join(",", new java.util.TreeSet<>(local.keySet()));
        metadata.accept(m -> {
            if (csv.isEmpty()) {
                m.remove(METADATA_KEY);
            } else {
                m.put(METADATA_KEY, csv);
            }
        });
    }

    /**
     * Parses the services a node's metadata announces; malformed names are skipped.
     *
     * @param meta a node's metadata
     * @return the service names
     */
    public static Set<String> parse(Map<String, String> meta) {
        String csv = meta.get(METADATA_KEY);
        if (csv == null || csv.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String s : csv.split(",", MAX_SERVICES_PER_NODE + 1)) {
            if (out.size() < MAX_SERVICES_PER_NODE && NAME.matcher(s).matches()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * A membership change (protocol thread): updates the instances of the node's services.
     *
     * @param type the change
     * @param node the node after it
     */
    public void onMembership(MembershipEvent.Type type, NodeSnapshot node) {
        if (node.id().equals(ctx.selfId())) {
            return;
        }
        boolean live = node.state() == NodeState.ALIVE || node.state() == NodeState.SUSPECT;
        Set<String> now = live ? parse(node.metadata()) : Set.of();
        Set<String> before = offered.getOrDefault(node.id(), Set.of());
        if (now.isEmpty()) {
            offered.remove(node.id());
        } else {
            offered.put(node.id(), now);
        }
        boolean changed = false;
        for (String s : before) {
            if (!now.contains(s)) {
                changed |= remove(s, node);
            }
        }
        for (String s : now) {
            changed |= add(s, node);
        }
        Map<String, List<String>> routesNow = live ? parseRoutes(node.metadata()) : Map.of();
        Map<String, List<String>> routesBefore = advertised.getOrDefault(node.id(), Map.of());
        boolean routesChanged = !routesNow.equals(routesBefore);
        if (routesChanged) {
            if (routesNow.isEmpty()) {
                advertised.remove(node.id());
            } else {
                advertised.put(node.id(), routesNow);
            }
            refreshRoutes();
        }
        if (changed) {
            refreshView();
        }
        if (changed || routesChanged) {
            hooks();
        }
        List<String> appeared = new ArrayList<>();
        for (String s : now) {
            if (!before.contains(s)) {
                appeared.add(s);
            }
        }
        for (String s : routesNow.keySet()) {
            if (!routesBefore.containsKey(s)) {
                appeared.add(s);
            }
        }
        if (appeared.isEmpty()) {
            return;
        }
        if (type == MembershipEvent.Type.JOINED) {
            // A node that just joined may not know this one yet, and would not acknowledge what it sends:
            // held messages wait one probe interval for the join's state exchange to complete.
            ctx.scheduler().schedule(() -> appeared.forEach(this::drain), ctx.config().probeInterval().toNanos());
        } else {
            appeared.forEach(this::drain);
        }
    }

    /** A cluster name in a route path. */
    public static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /**
     * Parses the route summary a gateway node's metadata announces: {@code service:C1.C2...} entries,
     * the clusters the route goes through from the service's own cluster; malformed entries are skipped.
     *
     * @param meta a node's metadata
     * @return service to cluster path (its length is the hop count)
     */
    public static Map<String, List<String>> parseRoutes(Map<String, String> meta) {
        String csv = meta.get(Services.ROUTES_METADATA_KEY);
        if (csv == null || csv.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new TreeMap<>();
        for (String e : csv.split(",", 256)) {
            int colon = e.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = e.substring(0, colon);
            List<String> path = List.of(e.substring(colon + 1).split("\\.", Routed.MAX_HOPS + 1));
            if (NAME.matcher(name).matches() && path.size() <= Routed.MAX_HOPS
                    && path.stream().allMatch(c -> CLUSTER_NAME.matcher(c).matches())
                    && (!out.containsKey(name) || out.get(name).size() > path.size())) {
                out.put(name, path);
            }
        }
        return out;
    }

    private void refreshRoutes() {
        Map<String, Map<UUID, List<String>>> v = new HashMap<>();
        for (Map.Entry<UUID, Map<String, List<String>>> e : advertised.entrySet()) {
            for (Map.Entry<String, List<String>> r : e.getValue().entrySet()) {
                v.computeIfAbsent(r.getKey(), k -> new TreeMap<>()).put(e.getKey(), r.getValue());
            }
        }
        Map<String, Map<UUID, List<String>>> frozen = new HashMap<>();
        v.forEach((k, m) -> frozen.put(k, Collections.unmodifiableMap(m)));
        routeView = Map.copyOf(frozen);
    }

    private void hooks() {
        for (Runnable r : changeHooks) {
            callbacks.execute(r);
        }
    }

    @Override
    public Map<UUID, Integer> routes(String name) {
        Map<UUID, Integer> out = new TreeMap<>();
        routeView.getOrDefault(name, Map.of()).forEach((k, v) -> out.put(k, v.size()));
        return Collections.unmodifiableMap(out);
    }

    /** @return every advertised route now: service to (gateway node to cluster path) */
    public Map<String, Map<UUID, List<String>>> allRoutes() {
        return routeView;
    }

    /** @return every live instance now, by service */
    public Map<String, List<ServiceInstance>> allInstances() {
        return view;
    }

    /**
     * Used by gateways: runs {@code hook} on the callback executor after each change of instances or routes.
     *
     * @param hook the hook
     * @return removes it
     */
    public Subscription onChange(Runnable hook) {
        changeHooks.add(hook);
        return () -> changeHooks.remove(hook);
    }

    /**
     * Used by gateways: routed traffic this node does not handle goes to {@code r}.
     *
     * @param r the router, or null to detach
     */
    public void attach(Router r) {
        router = r;
    }

    /**
     * Used by gateways: sets this node's route summary.
     *
     * @param routes service to cluster path; empty removes the summary
     * @throws IllegalArgumentException when the metadata would outgrow its bound
     */
    public void advertise(Map<String, List<String>> routes) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(routes).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append(':')
                .append(String.join(".", v)));
        String csv = sb.toString();
        metadata.accept(m -> {
            if (csv.isEmpty()) {
                m.remove(ROUTES_METADATA_KEY);
            } else {
                m.put(ROUTES_METADATA_KEY, csv);
            }
        });
    }

    /**
     * @param node a node id
     * @return whether it is a live member of this node's cluster
     */
    public boolean isLiveMember(UUID node) {
        return direct.live(node) != null;
    }

    /** @return this node's id */
    public UUID selfId() {
        return ctx.selfId();
    }

    private void localChanged(String name, boolean present) {
        Node me = self.get();
        boolean offeredNow = local.containsKey(name);
        if (offeredNow ? add(name, me) : remove(name, me)) {
            refreshView();
            hooks();
        }
        if (offeredNow) {
            drain(name);
        }
    }

    private boolean add(String service, Node node) {
        TreeMap<UUID, Node> m = byService.computeIfAbsent(service, k -> new TreeMap<>());
        Node old = m.put(node.id(), node);
        if (old == null) {
            fire(ServiceEvent.Type.APPEARED, service, node);
        }
        return true;
    }

    private boolean remove(String service, Node node) {
        TreeMap<UUID, Node> m = byService.get(service);
        if (m == null || m.remove(node.id()) == null) {
            return false;
        }
        if (m.isEmpty()) {
            byService.remove(service);
            roundRobin.remove(service);
        }
        fire(ServiceEvent.Type.VANISHED, service, node);
        return true;
    }

    private void refreshView() {
        Map<String, List<ServiceInstance>> v = new HashMap<>();
        for (Map.Entry<String, TreeMap<UUID, Node>> e : byService.entrySet()) {
            List<ServiceInstance> l = new ArrayList<>(e.getValue().size());
            for (Node n : e.getValue().values()) {
                l.add(new ServiceInstance(e.getKey(), n));
            }
            v.put(e.getKey(), List.copyOf(l));
        }
        view = Map.copyOf(v);
    }

    private void fire(ServiceEvent.Type type, String service, Node node) {
        listeners.fire(new ServiceEvent(type, new ServiceInstance(service, node)));
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(new java.util.TreeSet<>(view.keySet()));
    }

    @Override
    public List<ServiceInstance> instances(String name) {
        return view.getOrDefault(name, List.of());
    }

    @Override
    public Subscription addListener(ServiceListener listener) {
        return listeners.add(listener::onEvent);
    }

    /**
     * @param service a service
     * @return whether this node offers it
     */
    public boolean offersLocally(String service) {
        return local.containsKey(service);
    }

    // ------------------------------------------------------------------ sending

    @Override
    public CompletableFuture<Void> send(String service, byte[] payload, Delivery delivery) {
        return toOne(Mode.SEND, service, payload, delivery).thenApply(b -> null);
    }

    @Override
    public CompletableFuture<Void> sendReliable(String service, byte[] payload, Delivery delivery) {
        return toOne(Mode.RELIABLE, service, payload, delivery).thenApply(b -> null);
    }

    @Override
    public CompletableFuture<byte[]> request(String service, byte[] payload, Delivery delivery) {
        return toOne(Mode.REQUEST, service, payload, delivery);
    }

    private CompletableFuture<byte[]> toOne(Mode mode, String service, byte[] payload, Delivery delivery) {
        checkName(service);
        java.util.Objects.requireNonNull(payload, "payload");
        java.util.Objects.requireNonNull(delivery, "delivery");
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        ctx.scheduler().execute(() -> {
            Node target = pick(service, delivery);
            UUID gateway;
            if (target != null) {
                deliver(target, mode, service, payload, delivery, f);
            } else if ((gateway = bestRoute(service)) != null) {
                originateRouted(gateway, mode, service, payload, delivery, f);
            } else if (!delivery.cacheTtl().isZero()) {
                hold(new Held(service, mode, payload, delivery, f));
            } else {
                completions.fail(f, new DeliveryException("service '" + service + "' has no live instance; known services: "
                        + view.keySet() + " (set Delivery.cacheFor(ttl) to hold the message until one appears)"));
            }
        });
        return f;
    }

    private Node pick(String service, Delivery delivery) {
        TreeMap<UUID, Node> m = byService.get(service);
        if (m == null || m.isEmpty()) {
            return null;
        }
        switch (delivery.policy()) {
            case ROUND_ROBIN -> {
                int i = Math.floorMod(roundRobin.computeIfAbsent(service, k -> new AtomicInteger()).getAndIncrement(), m.size());
                return new ArrayList<>(m.values()).get(i);
            }
            case CONSISTENT_HASH -> {
                long key = hash64(delivery.key().getBytes(StandardCharsets.UTF_8));
                Node best = null;
                long bestWeight = 0;
                for (Node n : m.values()) {
                    long w = mix(key ^ mix(n.id().getMostSignificantBits() ^ Long.rotateLeft(n.id().getLeastSignificantBits(), 29)));
                    if (best == null || Long.compareUnsigned(w, bestWeight) > 0) {
                        best = n;
                        bestWeight = w;
                    }
                }
                return best;
            }
            default -> {
                Node best = null;
                long bestRtt = 0;
                ClusterStats stats = ctx.stats();
                for (Node n : m.values()) {
                    long rtt = n.id().equals(ctx.selfId()) ? 0 : stats.probeRoundTrips(n.id())
                            .filter(r -> r.samples() > 0).map(r -> r.p50().toNanos()).orElse(Long.MAX_VALUE);
                    if (best == null || rtt < bestRtt) {
                        best = n;
                        bestRtt = rtt;
                    }
                }
                return best;
            }
        }
    }

    static long hash64(byte[] b) {
        long h = 0xcbf29ce484222325L;
        for (byte x : b) {
            h = (h ^ (x & 0xff)) * 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(long z) {
        return io.tamtam.internal.membership.LiveMembers.mix(z);
    }

    private void deliver(Node target, Mode mode, String service, byte[] payload, Delivery delivery, CompletableFuture<byte[]> f) {
        if (target.id().equals(ctx.selfId())) {
            runLocally(service, self.get(), payload, mode == Mode.REQUEST, f);
            return;
        }
        byte[] env = new Envelope(service, mode != Mode.SEND, payload).encode();
        CompletableFuture<?> sent = switch (mode) {
            case SEND -> direct.send(target.id(), MESSAGE, env);
            case RELIABLE -> direct.sendReliable(target.id(), MESSAGE, env);
            case REQUEST -> direct.request(target.id(), REQUEST, env, delivery.timeout());
        };
        sent.whenComplete((v, err) -> {
            if (err != null) {
                f.completeExceptionally(err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                        ? err.getCause() : err);
            } else {
                f.complete(v instanceof byte[] b ? b : new byte[0]);
            }
        });
    }

    private void runLocally(String service, Node sender, byte[] payload, boolean request, CompletableFuture<byte[]> f) {
        localLane.execute(() -> {
            ServiceHandler h = local.get(service);
            if (h == null) {
                completions.fail(f, new DeliveryException("service '" + service + "' is no longer offered on this node"));
                return;
            }
            try {
                byte[] reply = h.handle(new ServiceMessage(service, sender, payload, request));
                completions.complete(f, reply == null ? new byte[0] : reply);
            } catch (Exception | Error e) {
                errors.accept("service handler '" + service + "'", e);
                completions.fail(f, new RemoteException(e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
            }
        });
    }

    @Override
    public CompletableFuture<Integer> sendToGroup(String service, byte[] payload) {
        checkName(service);
        java.util.Objects.requireNonNull(payload, "payload");
        CompletableFuture<Integer> f = new CompletableFuture<>();
        ctx.scheduler().execute(() -> {
            TreeMap<UUID, Node> m = byService.get(service);
            if (m == null || m.isEmpty()) {
                completions.fail(f, new DeliveryException("service '" + service + "' has no live instance"));
                return;
            }
            List<CompletableFuture<byte[]>> all = new ArrayList<>();
            for (Node n : m.values()) {
                CompletableFuture<byte[]> one = new CompletableFuture<>();
                deliver(n, Mode.RELIABLE, service, payload, Delivery.DEFAULT, one);
                all.add(one);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, err) -> {
                if (err != null) {
                    f.completeExceptionally(err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                            ? err.getCause() : err);
                } else {
                    f.complete(all.size());
                }
            });
        });
        return f;
    }

    @Override
    public CompletableFuture<Void> broadcast(String service, byte[] payload) {
        if (!"*".equals(service)) {
            checkName(service);
        }
        java.util.Objects.requireNonNull(payload, "payload");
        byte[] env = new Envelope(service, false, payload).encode();
        return broadcasts.originate(TYPE_BROADCAST, env).thenRun(() -> deliverBroadcastLocally(self.get(), service, payload));
    }

    private void deliverBroadcastLocally(Node sender, String service, byte[] payload) {
        for (Map.Entry<String, ServiceHandler> e : local.entrySet()) {
            if ("*".equals(service) || e.getKey().equals(service)) {
                runLocally(e.getKey(), sender, payload, false, new CompletableFuture<>());
            }
        }
    }

    // ------------------------------------------------------------------ receiving

    private void onMessage(Node sender, byte[] bytes, boolean broadcast) throws Exception {
        Envelope env;
        try {
            env = Envelope.decode(bytes);
        } catch (WireException e) {
            ctx.stats().drop(DropReason.MALFORMED);
            return;
        }
        if (broadcast) {
            for (Map.Entry<String, ServiceHandler> e : local.entrySet()) {
                if ("*".equals(env.service()) || e.getKey().equals(env.service())) {
                    try {
                        e.getValue().handle(new ServiceMessage(e.getKey(), sender, env.payload(), false));
                    } catch (Exception | Error t) {
                        errors.accept("service handler '" + e.getKey() + "'", t);
                    }
                }
            }
            return;
        }
        ServiceHandler h = local.get(env.service());
        if (h == null) {
            ctx.stats().drop(DropReason.NO_HANDLER);
            if (env.reliable()) {
                throw new IllegalStateException("service '" + env.service() + "' is not offered on node " + ctx.selfId());
            }
            return;
        }
        h.handle(new ServiceMessage(env.service(), sender, env.payload(), false));
    }

    private byte[] onRequest(Node sender, byte[] bytes) throws Exception {
        Envelope env;
        try {
            env = Envelope.decode(bytes);
        } catch (WireException e) {
            ctx.stats().drop(DropReason.MALFORMED);
            throw new IllegalArgumentException("malformed service request: " + e.getMessage());
        }
        ServiceHandler h = local.get(env.service());
        if (h == null) {
            ctx.stats().drop(DropReason.NO_HANDLER);
            throw new IllegalStateException("service '" + env.service() + "' is not offered on node " + ctx.selfId());
        }
        byte[] reply = h.handle(new ServiceMessage(env.service(), sender, env.payload(), true));
        return reply == null ? new byte[0] : reply;
    }

    // ------------------------------------------------------------------ routing

    /**
     * @param service a service
     * @return the gateway node with the fewest hops to it (ties: lowest id), or null
     */
    public UUID bestRoute(String service) {
        return bestRoute(service, Set.of());
    }

    /**
     * @param service a service
     * @param exclude gateway nodes not to use
     * @return the gateway node with the fewest hops to it, or null
     */
    public UUID bestRoute(String service, Set<UUID> exclude) {
        UUID best = null;
        int bestHops = Integer.MAX_VALUE;
        for (Map.Entry<UUID, List<String>> e : routeView.getOrDefault(service, Map.of()).entrySet()) {
            if (e.getValue().size() < bestHops && !exclude.contains(e.getKey())) {
                best = e.getKey();
                bestHops = e.getValue().size();
            }
        }
        return best;
    }

    /**
     * @param service a service
     * @return a live instance of it in this cluster, by {@link io.tamtam.services.Policy#NEAREST}, or null
     */
    public UUID instance(String service) {
        List<ServiceInstance> l = instances(service);
        return l.isEmpty() ? null : l.get(0).node().id();
    }

    private void originateRouted(UUID gateway, Mode mode, String service, byte[] payload, Delivery delivery, CompletableFuture<byte[]> f) {
        if (routedInFlight.size() >= MAX_ROUTED_IN_FLIGHT) {
            completions.fail(f, new DeliveryException(MAX_ROUTED_IN_FLIGHT + " routed messages of this node wait for their "
                    + "replies; wait for some to complete"));
            return;
        }
        long id = nextRouted.getAndIncrement();
        routedInFlight.put(id, f);
        Routed.Message m = new Routed.Message(id, Routed.MAX_HOPS, List.of(ctx.selfId()), mode == Mode.REQUEST, service, payload);
        ctx.scheduler().schedule(() -> {
            CompletableFuture<byte[]> pending = routedInFlight.remove(id);
            if (pending != null) {
                completions.fail(pending, new DeliveryException("no reply from service '" + service + "' through gateway "
                        + gateway + " within " + delivery.timeout().toMillis() + " ms"));
            }
        }, delivery.timeout().toNanos());
        sendRouted(gateway, m).whenComplete((v, err) -> {
            if (err != null) {
                CompletableFuture<byte[]> pending = routedInFlight.remove(id);
                if (pending != null) {
                    completions.fail(pending, new DeliveryException("cannot reach gateway " + gateway + " for service '"
                            + service + "': " + Completions.describe(err), err));
                }
            }
        });
    }

    /**
     * Sends a routed message one hop, from this node.
     *
     * @param to the next node (an instance, or a gateway node)
     * @param m  the message, its path ending with this node
     * @return completes when the next node took it
     */
    public CompletableFuture<Void> sendRouted(UUID to, Routed.Message m) {
        return direct.sendReliable(to, ROUTED, m.encode());
    }

    /**
     * Sends a reply one hop back, from this node, to the last node of its path (popped), or completes the
     * origin's future when the path is just this node.
     *
     * @param r the reply, its path ending with the next node
     */
    public void sendReply(Routed.Reply r) {
        UUID next = r.path().get(r.path().size() - 1);
        if (next.equals(ctx.selfId()) && r.path().size() == 1) {
            complete(r);
            return;
        }
        direct.sendReliable(next, ROUTED_REPLY, r.encode());
    }

    private void complete(Routed.Reply r) {
        CompletableFuture<byte[]> f = routedInFlight.remove(r.id());
        if (f == null) {
            return;
        }
        String text = new String(r.body(), StandardCharsets.UTF_8);
        switch (r.status()) {
            case Routed.OK -> completions.complete(f, r.body());
            case Routed.HANDLER_ERROR -> completions.fail(f, new RemoteException(text));
            default -> completions.fail(f, new DeliveryException(text));
        }
    }

    private void onRouted(byte[] bytes) {
        Routed.Message m;
        try {
            m = Routed.Message.decode(bytes);
        } catch (WireException e) {
            ctx.stats().drop(e.reason());
            return;
        }
        ServiceHandler h = local.get(m.service());
        if (h != null) {
            Node origin = new io.tamtam.internal.membership.NodeSnapshot(m.path().get(0),
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), NodeState.ALIVE, 0, Map.of(), 0, "");
            Routed.Reply reply;
            try {
                byte[] out = h.handle(new ServiceMessage(m.service(), origin, m.payload(), m.request()));
                reply = new Routed.Reply(m.id(), Routed.OK, m.path(), out == null ? new byte[0] : out);
            } catch (Exception | Error e) {
                errors.accept("service handler '" + m.service() + "'", e);
                reply = new Routed.Reply(m.id(), Routed.HANDLER_ERROR, m.path(),
                        String.valueOf(e.getMessage() == null ? e.getClass().getName() : e.getMessage()).getBytes(StandardCharsets.UTF_8));
            }
            sendReply(reply);
            return;
        }
        Router r = router;
        String why = r == null ? "node " + ctx.selfId() + " neither offers service '" + m.service() + "' nor is a gateway"
                : m.hopsLeft() == 0 ? "the hop limit of " + Routed.MAX_HOPS + " was reached"
                : m.path().stream().anyMatch(r.nodes()::contains) ? "routing loop: the message came back to gateway node " + ctx.selfId()
                : null;
        if (why != null) {
            ctx.stats().drop(DropReason.NO_HANDLER);
            sendReply(new Routed.Reply(m.id(), Routed.UNROUTABLE, m.path(), why.getBytes(StandardCharsets.UTF_8)));
            return;
        }
        r.forward(m, this);
    }

    /**
     * Answers a routed message this node cannot pass on.
     *
     * @param m   the message
     * @param why the reason
     */
    public void unroutable(Routed.Message m, String why) {
        ctx.stats().drop(DropReason.NO_HANDLER);
        sendReply(new Routed.Reply(m.id(), Routed.UNROUTABLE, m.path(), why.getBytes(StandardCharsets.UTF_8)));
    }

    private void onRoutedReply(byte[] bytes) {
        Routed.Reply r;
        try {
            r = Routed.Reply.decode(bytes);
        } catch (WireException e) {
            ctx.stats().drop(e.reason());
            return;
        }
        if (r.path().isEmpty()) {
            ctx.stats().drop(DropReason.MALFORMED);
            return;
        }
        if (r.path().size() == 1 && r.path().get(0).equals(ctx.selfId())) {
            complete(r);
            return;
        }
        Router router = this.router;
        if (router == null) {
            ctx.stats().drop(DropReason.NO_HANDLER);
            return;
        }
        router.reply(r, this);
    }

    // ------------------------------------------------------------------ cache

    private void hold(Held h) {
        if (heldCount + 1 > MAX_CACHED_MESSAGES || heldBytes + h.payload().length > MAX_CACHED_BYTES) {
            ctx.stats().drop(DropReason.QUEUE_FULL);
            completions.fail(h.future(), new DeliveryException("service '" + h.service() + "' has no live instance and "
                    + "the message cache is full (" + heldCount + " messages, " + heldBytes + " bytes; the bound is "
                    + MAX_CACHED_MESSAGES + " messages or " + MAX_CACHED_BYTES + " bytes)"));
            return;
        }
        held.computeIfAbsent(h.service(), k -> new ArrayDeque<>()).add(h);
        heldCount++;
        heldBytes += h.payload().length;
        heldCountView = heldCount;
        Duration ttl = h.delivery().cacheTtl();
        ctx.scheduler().schedule(() -> expire(h), ttl.toNanos());
    }

    private void expire(Held h) {
        ArrayDeque<Held> q = held.get(h.service());
        if (q == null || !q.remove(h)) {
            return;
        }
        if (q.isEmpty()) {
            held.remove(h.service());
        }
        released(h);
        completions.fail(h.future(), new DeliveryException("service '" + h.service() + "' had no live instance for the "
                + h.delivery().cacheTtl().toMillis() + " ms the message was held; it was not delivered"));
    }

    private void released(Held h) {
        heldCount--;
        heldBytes -= h.payload().length;
        heldCountView = heldCount;
    }

    private void drain(String service) {
        ArrayDeque<Held> q = held.get(service);
        while (q != null && !q.isEmpty()) {
            Held h = q.peek();
            Node target = pick(service, h.delivery());
            UUID gateway = target == null ? bestRoute(service) : null;
            if (target == null && gateway == null) {
                return;
            }
            q.poll();
            released(h);
            if (target != null) {
                deliver(target, h.mode(), service, h.payload(), h.delivery(), h.future());
            } else {
                originateRouted(gateway, h.mode(), service, h.payload(), h.delivery(), h.future());
            }
        }
        held.remove(service);
    }

    @Override
    public int cachedMessages() {
        return heldCountView;
    }
}
