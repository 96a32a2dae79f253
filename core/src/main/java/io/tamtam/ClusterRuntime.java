package io.tamtam;

import io.tamtam.internal.runtime.DaemonThreads;
import io.tamtam.internal.runtime.LaneScheduler;
import io.tamtam.spi.Scheduler;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Threads shared by many cluster nodes of one JVM, so the JVM's thread count stays bounded however many
 * nodes it runs. Give it to each node with {@link ClusterConfig.Builder#runtime(ClusterRuntime)}: the
 * node's protocol tasks then run one at a time on the runtime's protocol threads (instead of a thread of
 * the node's own), and its listeners, handlers and future completions on the runtime's callback threads
 * (unless the node has a {@link ClusterConfig.Builder#callbackExecutor callback executor}).
 *
 * <p>With a runtime, the threads TamTam uses are the runtime's {@link #threads()}, the transports' event
 * loops and the decoding pool (each one per core, shared by the JVM's nodes anyway), a thread per open
 * stream, and, only while user code blocks future completions for 200 ms, up to 64 more per node (see
 * {@link Cluster}). Handlers and listeners of nodes on a runtime share its callback threads: one that
 * blocks holds a thread from every node. Close the runtime after the nodes that use it; a node created
 * with a closed runtime is refused.
 */
public final class ClusterRuntime implements AutoCloseable {
    private final int protocolThreads;
    private final int callbackThreads;
    private final ScheduledThreadPoolExecutor protocol;
    private final LaneScheduler.Lanes lanes;
    private final ThreadPoolExecutor callbacks;

    private ClusterRuntime(int protocolThreads, int callbackThreads) {
        if (protocolThreads < 1 || protocolThreads > 1024) {
            throw new IllegalArgumentException("protocolThreads must be between 1 and 1024, was " + protocolThreads);
        }
        if (callbackThreads < 1 || callbackThreads > 1024) {
            throw new IllegalArgumentException("callbackThreads must be between 1 and 1024, was " + callbackThreads);
        }
        this.protocolThreads = protocolThreads;
        this.callbackThreads = callbackThreads;
        protocol = new ScheduledThreadPoolExecutor(protocolThreads, DaemonThreads.numbered("tamtam-rt-protocol"));
        protocol.setRemoveOnCancelPolicy(true);
        protocol.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        lanes = new LaneScheduler.Lanes(protocol);
        callbacks = new ThreadPoolExecutor(callbackThreads, callbackThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), DaemonThreads.numbered("tamtam-rt-callback"));
        callbacks.allowCoreThreadTimeOut(true);
    }

    /** @return a runtime with as many protocol threads and as many callback threads as the JVM has cores */
    public static ClusterRuntime create() {
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        return new ClusterRuntime(cores, cores);
    }

    /**
     * @param protocolThreads threads running the nodes' protocol tasks and timers, 1 to 1024
     * @param callbackThreads threads running the nodes' listeners, handlers and future completions, 1 to 1024
     * @return a runtime with that many threads
     * @throws IllegalArgumentException naming the count out of range
     */
    public static ClusterRuntime create(int protocolThreads, int callbackThreads) {
        return new ClusterRuntime(protocolThreads, callbackThreads);
    }

    /** @return threads running the nodes' protocol tasks */
    public int protocolThreads() {
        return protocolThreads;
    }

    /** @return threads running the nodes' callbacks */
    public int callbackThreads() {
        return callbackThreads;
    }

    /** @return the most threads the runtime itself runs: protocol plus callback threads */
    public int threads() {
        return protocolThreads + callbackThreads;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return protocol.isShutdown();
    }

    /**
     * A scheduler for one node's protocol on this runtime's protocol threads; {@link ClusterConfig} nodes
     * with this runtime get one each. Close it (it is {@link AutoCloseable}) when the node closes.
     *
     * @param errors receives exceptions thrown by tasks
     * @return a new scheduler
     * @throws IllegalStateException when the runtime is closed
     */
    public Scheduler newScheduler(BiConsumer<String, Throwable> errors) {
        checkOpen();
        return new LaneScheduler(lanes, errors);
    }

    /**
     * @return the callback threads, shared by the nodes of this runtime
     * @throws IllegalStateException when the runtime is closed
     */
    public Executor callbackExecutor() {
        checkOpen();
        return callbacks;
    }

    private void checkOpen() {
        if (isClosed()) {
            throw new IllegalStateException("this ClusterRuntime is closed; create a new one for new nodes");
        }
    }

    /** Stops the threads; nodes still using the runtime stop running protocol tasks and callbacks. */
    @Override
    public void close() {
        protocol.shutdownNow();
        callbacks.shutdown();
    }

    @Override
    public String toString() {
        return "ClusterRuntime[" + protocolThreads + " protocol, " + callbackThreads + " callback threads"
                + (isClosed() ? ", closed]" : "]");
    }
}
