package io.tamtam;

/**
 * Receives background faults that have no future to fail: a listener or handler that threw, a task of
 * the protocol that failed, a transport fault, future completions held up by user code. Called on the
 * callback executor, one report at a time, in order; at most 1,024 reports wait for it, later ones are
 * only counted. Every fault is counted by kind in {@link ClusterStats#errorsByKind()} whether or not a
 * handler is set. The default (no handler set) logs through SLF4J at WARN, the first fault of each kind
 * with its stack trace and then at most one line per kind every 10 seconds.
 */
@FunctionalInterface
public interface ErrorHandler {
    /**
     * @param context what was running, such as {@code "membership listener"}
     * @param error   the failure
     */
    void onError(String context, Throwable error);
}
