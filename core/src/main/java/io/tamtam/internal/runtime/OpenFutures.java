package io.tamtam.internal.runtime;

import io.tamtam.DeliveryException;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The futures a node handed out for work that runs on its protocol thread or its timers (pings, queries,
 * joins, a leave, service sends and held service messages): when the node closes, that thread and its
 * timers stop, so whatever is still open fails then with a {@link DeliveryException} saying why, and a
 * future handed out after that fails at once. Thread-safe.
 */
public final class OpenFutures {
    private final Set<CompletableFuture<?>> open = ConcurrentHashMap.newKeySet();
    private volatile String closed;

    /**
     * @param f   a future the node completes later
     * @param <T> its value
     * @return {@code f}, failed now when the node is closed
     */
    public <T> CompletableFuture<T> track(CompletableFuture<T> f) {
        if (f.isDone()) {
            return f;
        }
        open.add(f);
        f.whenComplete((v, e) -> open.remove(f));
        String reason = closed;
        if (reason != null) {
            f.completeExceptionally(new DeliveryException(reason)); // closed while it was being added
        }
        return f;
    }

    /**
     * Fails every open future; later ones fail when tracked.
     *
     * @param reason why, e.g. "the cluster node is closed"
     */
    public void close(String reason) {
        closed = reason;
        for (CompletableFuture<?> f : open) {
            f.completeExceptionally(new DeliveryException(reason));
        }
    }

    /** @return futures open now */
    public int size() {
        return open.size();
    }
}
