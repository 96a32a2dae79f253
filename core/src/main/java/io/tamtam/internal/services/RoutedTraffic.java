package io.tamtam.internal.services;

import io.tamtam.DeliveryException;
import io.tamtam.DropReason;
import io.tamtam.MessageType;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.RemoteException;
import io.tamtam.internal.Context;
import io.tamtam.internal.membership.NodeSnapshot;
import io.tamtam.internal.messaging.DirectMessages;
import io.tamtam.internal.messaging.Messaging;
import io.tamtam.internal.messaging.ReservedTypes;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.wire.WireException;
import io.tamtam.services.ServiceHandler;
import io.tamtam.services.ServiceMessage;
import io.tamtam.services.Services;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One node's part in routing services between clusters: the routes gateway nodes of its cluster
 * advertise in their metadata, routed messages this node originates (with their replies awaited), and
 * routed messages and replies that arrive, handled here or handed to the gateway attached to this node
 * ({@link #attach}). Route state changes on the protocol thread; readers get immutable snapshots.
 */
public final class RoutedTraffic {
    /** Reserved user type of a message routed to a service of another cluster. */
    public static final int TYPE_ROUTED = 0x37;
    /** Reserved user type of the reply to a routed message, retracing its path. */
    public static final int TYPE_ROUTED_REPLY = 0x38;
    /** Most routed messages this node waits on at once. */
    public static final int MAX_ROUTED_IN_FLIGHT = 10_000;
    /** A cluster name in a route path. */
    public static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");

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

    private final ServiceLayer layer;
    private final Context ctx;
    private final DirectMessages direct;
    private final Completions completions;
    private final BiConsumer<String, Throwable> errors;
    private final Map<String, ServiceHandler> local;
    private final Consumer<Consumer<Map<String, String>>> metadata;

    // protocol thread only
    private final Map<UUID, Map<String, List<String>>> advertised = new HashMap<>();
    private volatile Map<String, Map<UUID, List<String>>> routeView = Map.of();
    private volatile Router router;
    private final Map<Long, CompletableFuture<byte[]>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong nextId;

    /**
     * @param layer       the service layer this is part of, named to the router as where traffic arrived
     * @param ctx         shared protocol parts
     * @param messaging   registers the handlers of routed messages and replies
     * @param direct      sends to one node
     * @param completions completes futures off the protocol thread
     * @param errors      reports user-code failures
     * @param local       the services this node offers, by name
     * @param metadata    changes this node's metadata (throws IllegalArgumentException past its bound)
     */
    RoutedTraffic(ServiceLayer layer, Context ctx, Messaging messaging, DirectMessages direct, Completions completions,
                  BiConsumer<String, Throwable> errors, Map<String, ServiceHandler> local,
                  Consumer<Consumer<Map<String, String>>> metadata) {
        this.layer = layer;
        this.ctx = ctx;
        this.direct = direct;
        this.completions = completions;
        this.errors = errors;
        this.local = local;
        this.metadata = metadata;
        messaging.handle(ROUTED, p -> onRouted(p.payload()));
        messaging.handle(ROUTED_REPLY, p -> onRoutedReply(p.payload()));
        nextId = new AtomicLong(ctx.random().nextLong() & Long.MAX_VALUE);
    }

    // ------------------------------------------------------------------ advertised routes

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
            if (ServiceLayer.validName(name) && path.size() <= Routed.MAX_HOPS
                    && path.stream().allMatch(c -> CLUSTER_NAME.matcher(c).matches())
                    && (!out.containsKey(name) || out.get(name).size() > path.size())) {
                out.put(name, path);
            }
        }
        return out;
    }

    /**
     * @param node a member
     * @return the routes it advertises as this node last heard (protocol thread)
     */
    Map<String, List<String>> advertisedBy(UUID node) {
        return advertised.getOrDefault(node, Map.of());
    }

    /**
     * Records the routes a member advertises now (protocol thread).
     *
     * @param node   the member
     * @param routes its routes now; empty when it advertises none or is no longer live
     * @return whether they differ from what it advertised before
     */
    boolean update(UUID node, Map<String, List<String>> routes) {
        if (routes.equals(advertisedBy(node))) {
            return false;
        }
        if (routes.isEmpty()) {
            advertised.remove(node);
        } else {
            advertised.put(node, routes);
        }
        Map<String, Map<UUID, List<String>>> v = new HashMap<>();
        for (Map.Entry<UUID, Map<String, List<String>>> e : advertised.entrySet()) {
            for (Map.Entry<String, List<String>> r : e.getValue().entrySet()) {
                v.computeIfAbsent(r.getKey(), k -> new TreeMap<>()).put(e.getKey(), r.getValue());
            }
        }
        Map<String, Map<UUID, List<String>>> frozen = new HashMap<>();
        v.forEach((k, m) -> frozen.put(k, Collections.unmodifiableMap(m)));
        routeView = Map.copyOf(frozen);
        return true;
    }

    /**
     * @param service a service
     * @return the gateway nodes that advertise a route to it, with the route's hop count
     */
    public Map<UUID, Integer> routes(String service) {
        Map<UUID, Integer> out = new TreeMap<>();
        routeView.getOrDefault(service, Map.of()).forEach((k, v) -> out.put(k, v.size()));
        return Collections.unmodifiableMap(out);
    }

    /** @return every advertised route now: service to (gateway node to cluster path) */
    public Map<String, Map<UUID, List<String>>> allRoutes() {
        return routeView;
    }

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
                m.remove(Services.ROUTES_METADATA_KEY);
            } else {
                m.put(Services.ROUTES_METADATA_KEY, csv);
            }
        });
    }

    // ------------------------------------------------------------------ routed messages

    /**
     * Sends a message to a service of another cluster through a gateway node of this one, and completes
     * {@code f} with the reply (protocol thread).
     *
     * @param gateway the gateway node
     * @param request whether the service's reply is wanted (else an empty reply acknowledges it)
     * @param service the service
     * @param payload the message
     * @param timeout how long to wait for the reply
     * @param f       completes with the reply, or fails with the reason
     */
    void originate(UUID gateway, boolean request, String service, byte[] payload, Duration timeout,
                   CompletableFuture<byte[]> f) {
        if (inFlight.size() >= MAX_ROUTED_IN_FLIGHT) {
            completions.fail(f, new DeliveryException(MAX_ROUTED_IN_FLIGHT + " routed messages of this node wait for their "
                    + "replies; wait for some to complete"));
            return;
        }
        long id = nextId.getAndIncrement();
        inFlight.put(id, f);
        Routed.Message m = new Routed.Message(id, Routed.MAX_HOPS, List.of(ctx.selfId()), request, service, payload);
        ctx.scheduler().schedule(() -> {
            CompletableFuture<byte[]> pending = inFlight.remove(id);
            if (pending != null) {
                completions.fail(pending, new DeliveryException("no reply from service '" + service + "' through gateway "
                        + gateway + " within " + timeout.toMillis() + " ms"));
            }
        }, timeout.toNanos());
        sendRouted(gateway, m).whenComplete((v, err) -> {
            if (err != null) {
                CompletableFuture<byte[]> pending = inFlight.remove(id);
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

    private void complete(Routed.Reply r) {
        CompletableFuture<byte[]> f = inFlight.remove(r.id());
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
            Node origin = new NodeSnapshot(m.path().get(0),
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
            unroutable(m, why);
            return;
        }
        r.forward(m, layer);
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
        Router current = router;
        if (current == null) {
            ctx.stats().drop(DropReason.NO_HANDLER);
            return;
        }
        current.reply(r, layer);
    }
}
