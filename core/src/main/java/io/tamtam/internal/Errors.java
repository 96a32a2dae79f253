package io.tamtam.internal;

import io.tamtam.ErrorHandler;
import io.tamtam.internal.runtime.SerialExecutor;
import io.tamtam.spi.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a node's background faults go. Each is counted by kind (its context with numbers left out, such
 * as {@code "handler of message type #"}). A user's {@link ErrorHandler} is called on a serial lane of
 * the callback executor, never on a protocol or network thread, with at most {@link #MAX_QUEUED} reports
 * waiting (more are counted, not queued). Without one, faults are logged through SLF4J at WARN: the
 * first of each kind with its stack trace, then at most one line per kind every {@link #LOG_EVERY_NANOS}
 * saying how many were not logged. Thread-safe.
 */
final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);
    /** Most reports waiting for a user's error handler. */
    static final int MAX_QUEUED = 1024;
    /** At most one log line per kind this often: 10 s. */
    static final long LOG_EVERY_NANOS = 10_000_000_000L;
    /** Most distinct kinds counted; contexts come from the library's code, so this is never reached in practice. */
    private static final int MAX_KINDS = 256;

    private static final class Kind {
        final LongAdder count = new LongAdder();
        long loggedAt;
        long unlogged;
        boolean logged;
    }

    private final ErrorHandler user;
    private final SerialExecutor lane;
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder total = new LongAdder();
    private final LongAdder notHandled = new LongAdder();
    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
    private final NanoClock clock;
    private final String node;

    /**
     * @param user      the user's handler, or null to log
     * @param callbacks where the user's handler runs
     * @param clock     paces the log lines
     * @param node      the node's short id, for log lines
     */
    Errors(ErrorHandler user, Executor callbacks, NanoClock clock, String node) {
        this.user = user;
        this.lane = user == null ? null : new SerialExecutor(callbacks);
        this.clock = clock;
        this.node = node;
    }

    void report(String context, Throwable error) {
        total.increment();
        Kind kind = kinds.get(kindOf(context));
        if (kind == null) {
            kind = kinds.size() < MAX_KINDS ? kinds.computeIfAbsent(kindOf(context), k -> new Kind()) : kinds.get("other");
            if (kind == null) {
                kind = kinds.computeIfAbsent("other", k -> new Kind());
            }
        }
        kind.count.increment();
        if (user == null) {
            log(kind, context, error);
            return;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            notHandled.increment();
            return;
        }
        try {
            lane.execute(() -> {
                queued.decrementAndGet();
                try {
                    user.onError(context, error);
                } catch (RuntimeException e) {
                    LOG.warn("the error handler of node {} failed", node, e);
                }
            });
        } catch (RuntimeException rejected) {
            queued.decrementAndGet();
            notHandled.increment();
        }
    }

    private void log(Kind kind, String context, Throwable error) {
        long now = clock.nanoTime();
        long skipped;
        boolean first;
        synchronized (kind) {
            if (kind.logged && now - kind.loggedAt < LOG_EVERY_NANOS) {
                kind.unlogged++;
                return;
            }
            first = !kind.logged;
            kind.logged = true;
            kind.loggedAt = now;
            skipped = kind.unlogged;
            kind.unlogged = 0;
        }
        if (first) {
            LOG.warn("{} on node {}", failed(context), node, error);
        } else {
            LOG.warn("{} on node {}: {} ({} more of this kind not logged)", failed(context), node, error.toString(), skipped);
        }
    }

    /**
     * @param context what failed, as its reporter put it ("protocol task", or from a transport "frame
     *                connection to x failed")
     * @return the context said as a failure, with "failed" once
     */
    static String failed(String context) {
        return context.contains("failed") ? context : context + " failed";
    }

    static String kindOf(String context) {
        return context.replaceAll("[0-9]+", "#");
    }

    /** @return faults reported */
    long total() {
        return total.sum();
    }

    /** @return faults by kind */
    Map<String, Long> byKind() {
        Map<String, Long> out = new TreeMap<>();
        kinds.forEach((k, v) -> out.put(k, v.count.sum()));
        return out;
    }

    /** @return reports the user's handler never saw because too many were waiting */
    long notHandled() {
        return notHandled.sum();
    }
}
