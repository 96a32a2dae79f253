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
import io.tamtam.internal.runtime.OpenFutures;
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
 * thread (from membership events and local registrations); readers get immutable snapshots. A service
 * with no instance in this cluster is reached through a gateway's route ({@link RoutedTraffic}).
 */
public final class ServiceLayer implements Services {
    /** Reserved user type of a message to a service (best effort or reliable). */
    public static final int TYPE_MESSAGE = 0x30;
    /** Reserved user type of a request to a service. */
    public static final int TYPE_REQUEST = 0x31;
    /** Reserved user type of a service broadcast. */
    public static final int TYPE_BROADCAST = 0x32;

    private static final MessageType<byte[]> MESSAGE = ReservedTypes.bytes(TYPE_MESSAGE);
    private static final RequestType<byte[], byte[]> REQUEST = ReservedTypes.request(TYPE_REQUEST);
    private static final MessageType<byte[]> BROADCAST = ReservedTypes.bytes(TYPE_BROADCAST);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_NAME_LENGTH + "}");

    private enum Mode { SEND, RELIABLE, REQUEST }

    private record Held(String service, Mode mode, byte[] payload, Delivery delivery, CompletableFuture<byte[]> future) {
    }

    private final Context ctx;
    private final OpenFutures open;
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
    private final List<Coalesced> changeHooks = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A change hook with at most one run waiting: changes while it waits are seen by that run. */
    private final class Coalesced implements Runnable {
        private final Runnable hook;
        private final java.util.concurrent.atomic.AtomicBoolean waiting = new java.util.concurrent.atomic.AtomicBoolean();

        Coalesced(Runnable hook) {
            this.hook = hook;
        }

        void changed() {
            if (waiting.compareAndSet(false, true)) {
                callbacks.execute(this);
            }
        }

        @Override
        public void run() {
            waiting.set(false);
            try {
                hook.run();
            } catch (RuntimeException | Error e) {
                errors.accept("service change hook", e);
            }
        }
    }
    private final RoutedTraffic routing;

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
     * @param open        fails what is still open (held messages included) when the node closes
     */
    public ServiceLayer(Context ctx, Messaging messaging, DirectMessages direct, Broadcasts broadcasts,
                        Completions completions, Executor callbacks, BiConsumer<String, Throwable> errors,
                        Supplier<Node> self, Consumer<Consumer<Map<String, String>>> metadata, OpenFutures open) {
        this.ctx = ctx;
        this.open = open;
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
        this.routing = new RoutedTraffic(this, ctx, messaging, direct, completions, errors, local, metadata);
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

    /**
     * @param name a service name
     * @return whether it is a valid one
     */
    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static void checkName(String name) {
        if (!validName(name)) {
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
        Map<String, List<String>> routesNow = live ? RoutedTraffic.parseRoutes(node.metadata()) : Map.of();
        Map<String, List<String>> routesBefore = routing.advertisedBy(node.id());
        boolean routesChanged = routing.update(node.id(), routesNow);
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

    private void hooks() {
        for (Coalesced c : changeHooks) {
            c.changed();
        }
    }

    @Override
    public Map<UUID, Integer> routes(String name) {
        return routing.routes(name);
    }

    /** @return this node's part in routing services between clusters (used by gateways) */
    public RoutedTraffic routing() {
        return routing;
    }

    /** @return every live instance now, by service */
    public Map<String, List<ServiceInstance>> allInstances() {
        return view;
    }

    /**
     * Used by gateways: runs {@code hook} on the callback executor after changes of instances or routes, at
     * most one run waiting at a time (a run sees every change made before it starts).
     *
     * @param hook the hook
     * @return removes it
     */
    public Subscription onChange(Runnable hook) {
        Coalesced c = new Coalesced(java.util.Objects.requireNonNull(hook, "hook"));
        changeHooks.add(c);
        return () -> changeHooks.remove(c);
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
        CompletableFuture<byte[]> f = open.track(new CompletableFuture<>());
        ctx.scheduler().execute(() -> {
            Node target = pick(service, delivery);
            UUID gateway;
            if (target != null) {
                deliver(target, mode, service, payload, delivery, f);
            } else if ((gateway = routing.bestRoute(service)) != null) {
                routing.originate(gateway, mode == Mode.REQUEST, service, payload, delivery.timeout(), f);
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
        CompletableFuture<Integer> f = open.track(new CompletableFuture<>());
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

    // ------------------------------------------------------------------ instances for gateways

    /**
     * @param service a service
     * @return a live instance of it in this cluster, by {@link io.tamtam.services.Policy#NEAREST}, or null
     */
    public UUID instance(String service) {
        List<ServiceInstance> l = instances(service);
        return l.isEmpty() ? null : l.get(0).node().id();
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
            UUID gateway = target == null ? routing.bestRoute(service) : null;
            if (target == null && gateway == null) {
                return;
            }
            q.poll();
            released(h);
            if (target != null) {
                deliver(target, h.mode(), service, h.payload(), h.delivery(), h.future());
            } else {
                routing.originate(gateway, h.mode() == Mode.REQUEST, service, h.payload(), h.delivery().timeout(), h.future());
            }
        }
        held.remove(service);
    }

    @Override
    public int cachedMessages() {
        return heldCountView;
    }

    /** @return events a service listener missed because it was too far behind */
    public long listenerEventsMissed() {
        return listeners.missed();
    }
}
