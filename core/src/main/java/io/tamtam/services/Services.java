package io.tamtam.services;

import io.tamtam.Subscription;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Named services of the cluster ("ports"): any node registers handlers under names, and any node reaches
 * them by name, wherever they run. The names a node offers travel in its membership metadata under the
 * reserved key {@link #METADATA_KEY}, so every node learns them with the membership; an instance is live
 * while its node is ALIVE or SUSPECT.
 *
 * <p>Payloads are bytes; messages travel on the node's message paths (best effort, reliable, request).
 * A message to one instance that finds no live instance fails, unless {@link Delivery#cacheTtl()} asks
 * this node to hold it: held messages are bounded by {@link #MAX_CACHED_MESSAGES} and
 * {@link #MAX_CACHED_BYTES} in total (past them the send fails) and go out, in order, when an instance
 * appears (one probe interval later when its node has just joined, so that the join's state exchange has
 * completed and the node knows this one). With no instance in this cluster but a route through a
 * gateway ({@link #routes}), a message to one instance is routed there instead.
 */
public interface Services {
    /** The metadata key holding the comma-separated names of the services a node offers. */
    String METADATA_KEY = "tamtam.services";
    /** The metadata key holding a gateway node's route summary: {@code service:hops} entries, comma-separated. */
    String ROUTES_METADATA_KEY = "tamtam.routes";
    /** Most services one node may offer. */
    int MAX_SERVICES_PER_NODE = 32;
    /** Longest service name, in characters (letters, digits, '.', '_', '-'). */
    int MAX_NAME_LENGTH = 64;
    /** Most messages held for services without a live instance, across services. */
    int MAX_CACHED_MESSAGES = 10_000;
    /** Most payload bytes held for services without a live instance: 16 MiB. */
    long MAX_CACHED_BYTES = 16L << 20;

    /**
     * Offers a service on this node and tells the cluster.
     *
     * @param name    the service name
     * @param handler its handler
     * @return unregisters it (and tells the cluster) when closed
     * @throws IllegalArgumentException when the name is invalid, or the metadata would outgrow
     *                                  {@link io.tamtam.ClusterConfig#maxMetadataBytes()}
     * @throws IllegalStateException    when this node already offers that service or
     *                                  {@link #MAX_SERVICES_PER_NODE} services
     */
    Subscription register(String name, ServiceHandler handler);

    /** @return the names of every service with a live instance, as this node sees them */
    Set<String> names();

    /**
     * @param name a service name
     * @return its live instances (this node included when it offers it), in node-id order
     */
    List<ServiceInstance> instances(String name);

    /**
     * @param listener told when instances appear and vanish, from now on
     * @return removes it when closed
     */
    Subscription addListener(ServiceListener listener);

    /**
     * Best effort to one instance: no acknowledgement, no retry.
     *
     * @param service  the service
     * @param payload  the bytes
     * @param delivery how the instance is picked and whether the message may be held
     * @return completes when handed to the transport (or to a local handler's lane); fails with a
     *         {@link io.tamtam.DeliveryException} saying why
     */
    CompletableFuture<Void> send(String service, byte[] payload, Delivery delivery);

    /**
     * To one instance, acknowledged once its handler returned; reliable messages from this node to one
     * instance are handled in send order (held messages too).
     *
     * @param service  the service
     * @param payload  the bytes
     * @param delivery how the instance is picked and whether the message may be held
     * @return completes when the instance's handler returned; fails with a {@link io.tamtam.DeliveryException}
     *         or a {@link io.tamtam.RemoteException}
     */
    CompletableFuture<Void> sendReliable(String service, byte[] payload, Delivery delivery);

    /**
     * A request to one instance.
     *
     * @param service  the service
     * @param payload  the request
     * @param delivery instance policy, holding, reply timeout
     * @return the reply; fails with a {@link io.tamtam.DeliveryException} or a {@link io.tamtam.RemoteException}
     */
    CompletableFuture<byte[]> request(String service, byte[] payload, Delivery delivery);

    /**
     * Reliable to every live instance of a service.
     *
     * @param service the service
     * @param payload the bytes
     * @return how many instances acknowledged; fails when there is no live instance or any instance failed
     */
    CompletableFuture<Integer> sendToGroup(String service, byte[] payload);

    /**
     * Through the cluster's dissemination (like {@link io.tamtam.Cluster#broadcast}) to every instance of
     * {@code service} on every node, this one included, or to every service instance when
     * {@code service} is {@code "*"}. Delivered once per instance, including to instances the sender does
     * not know of yet.
     *
     * @param service the service, or "*"
     * @param payload the bytes
     * @return completes when queued for dissemination
     */
    CompletableFuture<Void> broadcast(String service, byte[] payload);

    /**
     * Routes to a service of another cluster, as gateways of this cluster advertise them
     * ({@link io.tamtam.routing.Gateway}). A message to one instance of a service with no live instance in
     * this cluster goes to the gateway node with the fewest hops; when it vanishes, the next one is used.
     *
     * @param name a service name
     * @return gateway node id to hops (1 = the service runs in a cluster adjacent to the gateway)
     */
    java.util.Map<java.util.UUID, Integer> routes(String name);

    /** @return messages held now for services without a live instance */
    int cachedMessages();
}
