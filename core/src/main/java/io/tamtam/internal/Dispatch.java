package io.tamtam.internal;

import io.tamtam.internal.wire.Message;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Routes each inbound message, by its kind, to the protocol part that owns it: a table lookup. Each part
 * registers its kinds once, while the node is built, and says where they run: on the thread that
 * received the packet (user traffic that needs no protocol state) or on the protocol thread. Read-only
 * after construction, so lookups need no lock.
 */
public final class Dispatch {

    /**
     * Handles one inbound message.
     *
     * @param <M> the message kind
     */
    @FunctionalInterface
    public interface Handler<M extends Message> {
        /**
         * @param message  the message
         * @param sender   the node that sent the packet
         * @param from     the address the packet came from (for a frame: the connection's remote end)
         * @param viaFrame whether it came on the stream path
         */
        void handle(M message, UUID sender, InetSocketAddress from, boolean viaFrame);
    }

    /**
     * Handles consecutive inbound messages of one kind from one packet, in their order.
     *
     * @param <M> the message kind
     */
    @FunctionalInterface
    public interface BatchHandler<M extends Message> {
        /**
         * @param messages the messages, in packet order (a view: not to be kept after the call)
         * @param sender   the node that sent the packet
         * @param from     the address the packet came from (for a frame: the connection's remote end)
         * @param viaFrame whether it came on the stream path
         */
        void handle(List<M> messages, UUID sender, InetSocketAddress from, boolean viaFrame);
    }

    /**
     * Where a kind is handled.
     *
     * @param handler        the owner's handler
     * @param protocolThread whether it runs on the protocol thread (else on the receiving thread)
     * @param batch          handles a run of consecutive messages of the kind at once, or null: on the
     *                       receiving thread only
     * @param urgent         whether a packet with it goes to the protocol thread as an urgent task
     *                       ({@link io.tamtam.spi.Scheduler#executeUrgent})
     */
    public record Route(Handler<Message> handler, boolean protocolThread, BatchHandler<Message> batch, boolean urgent) {
    }

    private final Map<Class<?>, Route> routes = new HashMap<>();

    /**
     * @param kind    a message kind
     * @param handler handles it on the thread that received it; must not block
     * @param <M>     the kind
     */
    public <M extends Message> void onReceivingThread(Class<M> kind, Handler<M> handler) {
        add(kind, handler, false, false);
    }

    /**
     * @param kind    a message kind
     * @param handler handles one message of it on the thread that received it; must not block
     * @param batch   handles consecutive messages of it from one packet at once, in order, on the
     *                receiving thread; must not block
     * @param <M>     the kind
     */
    @SuppressWarnings("unchecked")
    public <M extends Message> void onReceivingThread(Class<M> kind, Handler<M> handler, BatchHandler<M> batch) {
        put(kind, new Route((Handler<Message>) handler, false, (BatchHandler<Message>) (BatchHandler<?>) batch, false));
    }

    /**
     * @param kind    a message kind
     * @param handler handles it on the protocol thread
     * @param <M>     the kind
     */
    public <M extends Message> void onProtocolThread(Class<M> kind, Handler<M> handler) {
        add(kind, handler, true, false);
    }

    /**
     * @param kind    a message kind whose handling is latency-sensitive (probes and their answers, user
     *                broadcasts to pass on): a packet with it is handled on the protocol thread as an
     *                urgent task, ahead of the node's other queued protocol work
     * @param handler handles it on the protocol thread
     * @param <M>     the kind
     */
    public <M extends Message> void onProtocolThreadUrgent(Class<M> kind, Handler<M> handler) {
        add(kind, handler, true, true);
    }

    @SuppressWarnings("unchecked")
    private <M extends Message> void add(Class<M> kind, Handler<M> handler, boolean protocolThread, boolean urgent) {
        put(kind, new Route((Handler<Message>) handler, protocolThread, null, urgent));
    }

    private void put(Class<?> kind, Route route) {
        if (routes.putIfAbsent(kind, route) != null) {
            throw new IllegalStateException(kind.getSimpleName() + " already has an owner");
        }
    }

    /**
     * @param m an inbound message
     * @return its route, or null when no part owns its kind
     */
    public Route route(Message m) {
        return routes.get(m.getClass());
    }
}
