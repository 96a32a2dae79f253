package io.tamtam.routing;

import io.tamtam.Cluster;
import io.tamtam.Subscription;
import io.tamtam.internal.services.Routed;
import io.tamtam.internal.services.RoutedTraffic;
import io.tamtam.internal.services.ServiceLayer;
import io.tamtam.services.ServiceInstance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Joins clusters ("links") that cannot reach each other: one process runs one {@link Cluster} per
 * cluster it bridges, and the gateway forwards service traffic between them. Each cluster keeps its own
 * membership and failure detection, so a slow link between clusters never makes a member of either
 * look dead, and no protocol changes: a gateway is only a member of each cluster.
 *
 * <p>Each cluster has a name, the same at every gateway. The gateway advertises a route summary to each
 * cluster, in the metadata of its member there ({@link io.tamtam.services.Services#ROUTES_METADATA_KEY}):
 * for each service it reaches, the clusters the route goes through, the service's own cluster first
 * (path vector): every service with a live instance in one of its other clusters (path of 1), and every
 * route other gateways advertise there, extended by that cluster, up to {@link #MAX_HOPS} clusters and
 * never through the cluster it is advertised to, so routes never loop. A
 * message to a service with no instance in the sender's cluster goes to the gateway node with the fewest
 * hops; each gateway passes it on to an instance or to the next gateway, appending its node to the
 * message's path; the reply retraces the path. A message that has crossed {@link #MAX_HOPS} gateways, or
 * comes back to a gateway it went through (a loop), is answered with a
 * {@link io.tamtam.DeliveryException} instead. When a gateway fails, its member is declared dead in each
 * cluster, its routes vanish with it, and traffic takes the next gateway.
 */
public final class Gateway implements AutoCloseable {
    /** Most gateways a message may cross. */
    public static final int MAX_HOPS = Routed.MAX_HOPS;

    private final String name;
    private final List<ServiceLayer> layers = new ArrayList<>();
    private final Map<ServiceLayer, String> names = new HashMap<>();
    private final Set<UUID> nodes = new HashSet<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Map<ServiceLayer, Map<String, List<String>>> lastAdvertised = new HashMap<>();
    private final RoutedTraffic.Router router;
    private volatile boolean closed;

    private Gateway(String name, Map<String, Cluster> clusters) {
        this.name = name;
        for (Map.Entry<String, Cluster> e : clusters.entrySet()) {
            Cluster c = e.getValue();
            if (!RoutedTraffic.CLUSTER_NAME.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("cluster name '" + e.getKey() + "' is invalid: use 1 to 32 letters, digits, '_' or '-'");
            }
            if (!(c.services() instanceof ServiceLayer layer)) {
                throw new IllegalArgumentException("a gateway needs clusters created by Cluster.create");
            }
            if (!nodes.add(layer.selfId())) {
                throw new IllegalArgumentException("the same cluster node is given twice; give one node per cluster");
            }
            layers.add(layer);
            names.put(layer, e.getKey());
        }
        router = new RoutedTraffic.Router() {
            @Override
            public void forward(Routed.Message m, ServiceLayer from) {
                Gateway.this.forward(m, from);
            }

            @Override
            public void reply(Routed.Reply r, ServiceLayer from) {
                Gateway.this.reply(r);
            }

            @Override
            public Set<UUID> nodes() {
                return nodes;
            }
        };
    }

    /**
     * Starts a gateway between the clusters the given nodes are members of (one node per cluster, all in
     * this process), and advertises routes from now on.
     *
     * @param name     names the gateway in errors
     * @param clusters the name of each cluster (the same name at every gateway of that cluster, 1 to 32
     *                 letters, digits, '_' or '-') to the running node of this process in it
     * @return the gateway; close it to stop forwarding and withdraw its routes
     * @throws IllegalArgumentException when fewer than two clusters are given, a node is given twice or a
     *                                  name is invalid
     */
    public static Gateway link(String name, Map<String, Cluster> clusters) {
        if (clusters.size() < 2) {
            throw new IllegalArgumentException("a gateway joins at least two clusters: give one node of each");
        }
        Gateway g = new Gateway(name, clusters);
        for (ServiceLayer l : g.layers) {
            l.routing().attach(g.router);
            g.subscriptions.add(l.onChange(g::advertise));
        }
        g.advertise();
        return g;
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /**
     * @param cluster one of the gateway's nodes
     * @return the route summary the gateway advertises through that node: service to the clusters the
     *         route goes through, the service's own cluster first
     */
    public Map<String, List<String>> advertised(Cluster cluster) {
        return summaryFor(layerOf(cluster));
    }

    private ServiceLayer layerOf(Cluster c) {
        for (ServiceLayer l : layers) {
            if (l == c.services()) {
                return l;
            }
        }
        throw new IllegalArgumentException("that cluster node is not part of gateway " + name);
    }

    private Map<String, List<String>> summaryFor(ServiceLayer target) {
        String targetName = names.get(target);
        Map<String, List<String>> out = new TreeMap<>();
        for (ServiceLayer other : layers) {
            String otherName = names.get(other);
            if (other == target || otherName.equals(targetName)) {
                continue;
            }
            for (Map.Entry<String, List<ServiceInstance>> e : other.allInstances().entrySet()) {
                if (e.getValue().stream().anyMatch(i -> !nodes.contains(i.node().id()))) {
                    out.put(e.getKey(), List.of(otherName));
                }
            }
            for (Map.Entry<String, Map<UUID, List<String>>> e : other.routing().allRoutes().entrySet()) {
                for (Map.Entry<UUID, List<String>> r : e.getValue().entrySet()) {
                    List<String> path = r.getValue();
                    // path vector: never a route through the cluster it is advertised to, or back through this one
                    if (nodes.contains(r.getKey()) || path.contains(targetName) || path.contains(otherName)
                            || path.size() + 1 > MAX_HOPS) {
                        continue;
                    }
                    List<String> longer = new ArrayList<>(path);
                    longer.add(otherName);
                    List<String> have = out.get(e.getKey());
                    if (have == null || have.size() > longer.size()) {
                        out.put(e.getKey(), List.copyOf(longer));
                    }
                }
            }
        }
        return out;
    }

    private synchronized void advertise() {
        if (closed) {
            return;
        }
        for (ServiceLayer l : layers) {
            Map<String, List<String>> summary = summaryFor(l);
            if (!summary.equals(lastAdvertised.get(l))) {
                lastAdvertised.put(l, summary);
                try {
                    l.routing().advertise(summary);
                } catch (IllegalArgumentException e) {
                    // The summary outgrew maxMetadataBytes: advertise what fits, in service-name order.
                    Map<String, List<String>> part = new HashMap<>();
                    for (Map.Entry<String, List<String>> s : summary.entrySet()) {
                        part.put(s.getKey(), s.getValue());
                        try {
                            l.routing().advertise(part);
                        } catch (IllegalArgumentException full) {
                            part.remove(s.getKey());
                            break;
                        }
                    }
                }
            }
        }
    }

    private void forward(Routed.Message m, ServiceLayer from) {
        // an instance in another of the gateway's clusters, else the gateway there with the fewest hops
        ServiceLayer via = null;
        UUID to = null;
        int hops = Integer.MAX_VALUE;
        for (ServiceLayer l : layers) {
            if (l == from) {
                continue;
            }
            UUID instance = l.instance(m.service());
            if (instance != null && !nodes.contains(instance)) {
                via = l;
                to = instance;
                break;
            }
            UUID gw = l.routing().bestRoute(m.service(), nodes);
            if (gw != null && l.routes(m.service()).get(gw) < hops) {
                via = l;
                to = gw;
                hops = l.routes(m.service()).get(gw);
            }
        }
        if (to == null) {
            from.routing().unroutable(m, "gateway " + name + " knows no route to service '" + m.service() + "'");
            return;
        }
        ServiceLayer out = via;
        UUID next = to;
        out.routing().sendRouted(next, m.next(out.selfId())).whenComplete((v, err) -> {
            if (err != null) {
                from.routing().unroutable(m, "gateway " + name + " could not reach " + next + ": " + err.getMessage());
            }
        });
    }

    private void reply(Routed.Reply r) {
        Routed.Reply back = r.popped();
        if (back.path().isEmpty()) {
            return;
        }
        UUID next = back.path().get(back.path().size() - 1);
        for (ServiceLayer l : layers) {
            if (l.isLiveMember(next)) {
                l.routing().sendReply(back);
                return;
            }
        }
    }

    /** Stops forwarding and withdraws the advertised routes. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        subscriptions.forEach(Subscription::close);
        for (ServiceLayer l : layers) {
            l.routing().attach(null);
            try {
                l.routing().advertise(Map.of());
            } catch (RuntimeException ignored) {
                // a closed node: nothing to withdraw
            }
        }
    }
}
