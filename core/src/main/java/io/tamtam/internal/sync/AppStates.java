package io.tamtam.internal.sync;

import io.tamtam.AppState;
import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;
import io.tamtam.Node;
import io.tamtam.RemoteStateHandler;
import io.tamtam.Subscription;
import io.tamtam.internal.Stats;
import io.tamtam.internal.messaging.Payloads;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The application state this node sends in push-pull exchanges, and the hand-over of received states to
 * the application's handler. The protocol thread only reads the published bytes and queues received
 * states; decoding and the handler run on the callback executor, one state at a time. Undelivered states
 * are kept per node, the latest replacing an older one, and bounded in bytes. Thread-safe.
 */
public final class AppStates implements AppState {
    /** Most bytes of received states waiting for the handler: 32 MiB, each state charged {@link #ENTRY_BYTES} more. */
    static final long MAX_PENDING_BYTES = 32L << 20;
    /** What a waiting state costs beyond its bytes (its entry, its sender's id). */
    static final int ENTRY_BYTES = 128;

    private record Registration<T>(Class<T> stateClass, RemoteStateHandler<T> handler) {
    }

    private record Received(byte[] state, boolean join) {
    }

    private final int maxBytes;
    private final Payloads payloads;
    private final Executor callbacks;
    private final Stats stats;
    private final BiConsumer<String, Throwable> errors;
    private final Function<UUID, Node> nodes;
    private final Object lock = new Object();
    private volatile byte[] local;
    private volatile Registration<?> registration;
    /** Undelivered states by sender, oldest first; guarded by {@link #lock}. */
    private final LinkedHashMap<UUID, Received> pending = new LinkedHashMap<>();
    private long pendingBytes;
    private boolean draining;

    /**
     * @param maxBytes  the largest encoded state, sent or received ({@link ClusterConfig#maxAppStateBytes()})
     * @param payloads  encodes and decodes states
     * @param callbacks where the handler runs
     * @param stats     counts drops and handler failures
     * @param errors    told of handler failures
     * @param nodes     the member with an id as currently known (a placeholder for an unknown one)
     */
    public AppStates(int maxBytes, Payloads payloads, Executor callbacks, Stats stats,
                     BiConsumer<String, Throwable> errors, Function<UUID, Node> nodes) {
        this.maxBytes = maxBytes;
        this.payloads = payloads;
        this.callbacks = callbacks;
        this.stats = stats;
        this.errors = errors;
        this.nodes = nodes;
    }

    @Override
    public void publish(Object state) {
        Objects.requireNonNull(state, "state must not be null; call clear() to stop sending a state");
        byte[] bytes;
        try {
            bytes = state instanceof byte[] b ? b.clone() : payloads.encode(state);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode the app state: " + e.getMessage(), e);
        }
        if (bytes.length > maxBytes) {
            throw new IllegalArgumentException("app state of " + bytes.length + " bytes encoded exceeds maxAppStateBytes = "
                    + maxBytes + "; raise ClusterConfig.Builder.maxAppStateBytes (up to maxFrameSize / 2) or publish less");
        }
        local = bytes;
    }

    @Override
    public void clear() {
        local = null;
    }

    @Override
    public byte[] local() {
        byte[] b = local;
        return b == null ? null : b.clone();
    }

    /** @return the published state as it goes on the wire (not to be modified), or null; any thread */
    byte[] forWire() {
        return local;
    }

    @Override
    public <T> Subscription onRemoteState(Class<T> stateClass, RemoteStateHandler<T> handler) {
        Objects.requireNonNull(stateClass, "stateClass");
        Objects.requireNonNull(handler, "handler");
        payloads.checkSupported(stateClass);
        Registration<T> reg = new Registration<>(stateClass, handler);
        synchronized (lock) {
            if (registration != null) {
                throw new IllegalStateException("an app-state handler is already registered; close its Subscription first");
            }
            registration = reg;
        }
        return () -> {
            synchronized (lock) {
                if (registration == reg) {
                    registration = null;
                    pending.clear();
                    pendingBytes = 0;
                }
            }
        };
    }

    /**
     * Queues a state received in a push-pull for the handler. Protocol thread; never blocks.
     *
     * @param sender the node that sent it
     * @param state  its state
     * @param join   whether the exchange was a join
     */
    /**
     * @param state a state waiting for the handler
     * @return what it is charged of {@link #MAX_PENDING_BYTES}: its length and its entry, so that empty
     *         states from many senders are bounded too
     */
    private static long cost(byte[] state) {
        return state.length + ENTRY_BYTES;
    }

    void received(UUID sender, byte[] state, boolean join) {
        if (state.length > maxBytes) {
            stats.drop(DropReason.OVERSIZED);
            return;
        }
        synchronized (lock) {
            if (registration == null) {
                return;
            }
            Received older = pending.remove(sender);
            long without = pendingBytes - (older == null ? 0 : cost(older.state()));
            if (without + cost(state) > MAX_PENDING_BYTES) {
                if (older != null) {
                    pending.put(sender, older);
                }
                stats.drop(DropReason.QUEUE_FULL);
                return;
            }
            // A newer state replaces an undelivered older one; a join it came with is still told.
            pending.put(sender, new Received(state, join || (older != null && older.join())));
            pendingBytes = without + cost(state);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            callbacks.execute(this::drain);
        } catch (RuntimeException rejected) {
            synchronized (lock) {
                draining = false;
                pending.clear();
                pendingBytes = 0;
            }
        }
    }

    private void drain() {
        while (true) {
            UUID sender;
            Received next;
            Registration<?> reg;
            synchronized (lock) {
                Iterator<Map.Entry<UUID, Received>> it = pending.entrySet().iterator();
                reg = registration;
                if (!it.hasNext() || reg == null) {
                    draining = false;
                    return;
                }
                Map.Entry<UUID, Received> e = it.next();
                it.remove();
                sender = e.getKey();
                next = e.getValue();
                pendingBytes -= cost(next.state());
            }
            deliver(reg, sender, next);
        }
    }

    private <T> void deliver(Registration<T> reg, UUID sender, Received r) {
        T value;
        try {
            value = payloads.decode(r.state(), reg.stateClass());
        } catch (IOException | RuntimeException e) {
            stats.drop(DropReason.UNDECODABLE_PAYLOAD);
            return;
        }
        try {
            reg.handler().onRemoteState(nodes.apply(sender), value, r.join());
        } catch (Exception | Error e) {
            stats.callbackError();
            errors.accept("app-state handler", e);
        }
    }
}
