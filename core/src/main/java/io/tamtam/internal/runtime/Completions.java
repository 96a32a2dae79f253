package io.tamtam.internal.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Completes the futures a node hands out on the callback executor, never on a protocol or network
 * thread, in order, through one serial lane: one hand-off per burst of completions, not one per future.
 */
public final class Completions {
    private final SerialExecutor lane;

    /** @param callbacks the callback executor */
    public Completions(Executor callbacks) {
        this.lane = new SerialExecutor(callbacks);
    }

    /**
     * @param f     the future
     * @param value its value
     * @param <T>   the value type
     */
    public <T> void complete(CompletableFuture<T> f, T value) {
        try {
            lane.execute(() -> f.complete(value));
        } catch (RuntimeException closed) {
            f.complete(value);
        }
    }

    /**
     * @param f     the future
     * @param error why it failed
     * @param <T>   the value type
     */
    public <T> void fail(CompletableFuture<T> f, Throwable error) {
        try {
            lane.execute(() -> f.completeExceptionally(error));
        } catch (RuntimeException closed) {
            f.completeExceptionally(error);
        }
    }

    /**
     * @param t a failure, possibly wrapped
     * @return the message of the underlying cause
     */
    public static String describe(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
