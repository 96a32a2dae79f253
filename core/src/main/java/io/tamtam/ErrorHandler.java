package io.tamtam;

/**
 * Receives background faults that have no future to fail: a listener or handler that threw, a task of
 * the protocol that failed. Called on the callback executor; must not block. The default logs through
 * SLF4J.
 */
@FunctionalInterface
public interface ErrorHandler {
    /**
     * @param context what was running, such as {@code "membership listener"}
     * @param error   the failure
     */
    void onError(String context, Throwable error);
}
