package io.tamtam.internal.messaging;

import io.tamtam.DeliveryException;
import io.tamtam.RemoteException;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.spi.NanoClock;
import io.tamtam.spi.Scheduler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reliable messages and requests waiting for their acknowledgement or reply. Deadlines are checked by
 * one sweep every {@link #SWEEP_NANOS} while anything waits, not by a timer per message. Thread-safe.
 */
public final class Replies {
    /** How often deadlines are checked: 20 ms. */
    static final long SWEEP_NANOS = 20_000_000L;

    /** One waiting message, answered by {@code target} before {@code deadline} (clock nanoseconds). */
    private record Pending(CompletableFuture<byte[]> future, UUID target, long deadline, Duration timeout) {
    }

    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final NanoClock clock;
    private final Scheduler scheduler;
    private final Completions completions;
    private volatile boolean closed;

    /**
     * @param clock       measures deadlines
     * @param scheduler   runs the sweep
     * @param completions completes futures off the network threads
     */
    public Replies(NanoClock clock, Scheduler scheduler, Completions completions) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.completions = completions;
    }

    /**
     * @param correlation the message's sequence or request id
     * @param target      the node that must answer
     * @param timeout     how long to wait
     * @return completes with the answer's body; fails on timeout, refusal or remote error
     */
    public CompletableFuture<byte[]> await(long correlation, UUID target, Duration timeout) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        pending.put(correlation, new Pending(f, target, clock.nanoTime() + timeout.toNanos(), timeout));
        if (sweeping.compareAndSet(false, true)) {
            scheduler.schedule(this::sweep, SWEEP_NANOS);
        }
        return f;
    }

    /** @param correlation a message @return whether it still waits */
    public boolean waiting(long correlation) {
        return pending.containsKey(correlation);
    }

    private void sweep() {
        long now = clock.nanoTime();
        pending.forEach((k, p) -> {
            if (now - p.deadline() >= 0 && pending.remove(k, p)) {
                completions.fail(p.future(), new DeliveryException("no answer from node " + p.target() + " within "
                        + p.timeout(), new TimeoutException(p.timeout().toString())));
            }
        });
        sweeping.set(false);
        if (!pending.isEmpty() && !closed && sweeping.compareAndSet(false, true)) {
            scheduler.schedule(this::sweep, SWEEP_NANOS);
        }
    }

    /**
     * Applies an answer.
     *
     * @param correlation the message it answers
     * @param sender      the node that answered; answers from others are ignored
     * @param status      a {@code WireFormat.STATUS_*} value
     * @param body        the reply, or the UTF-8 error message
     */
    public void answer(long correlation, UUID sender, int status, byte[] body) {
        Pending p = pending.get(correlation);
        if (p == null || !p.target().equals(sender) || !pending.remove(correlation, p)) {
            return;
        }
        if (status == WireFormat.STATUS_OK) {
            completions.complete(p.future(), body);
        } else if (status == WireFormat.STATUS_HANDLER_ERROR) {
            completions.fail(p.future(), new RemoteException(new String(body, StandardCharsets.UTF_8)));
        } else {
            completions.fail(p.future(), new DeliveryException("node " + sender + " refused the message: "
                    + new String(body, StandardCharsets.UTF_8)));
        }
    }

    /**
     * @param correlation a waiting message
     * @param error       why it cannot be delivered
     */
    public void fail(long correlation, Throwable error) {
        Pending p = pending.remove(correlation);
        if (p != null) {
            completions.fail(p.future(), error);
        }
    }

    /**
     * @param node   a node that died or left
     * @param reason what the futures say
     */
    public void failTo(UUID node, String reason) {
        pending.forEach((k, p) -> {
            if (p.target().equals(node) && pending.remove(k, p)) {
                completions.fail(p.future(), new DeliveryException(reason));
            }
        });
    }

    /** @param reason what every waiting future says; no more sweeps run */
    public void close(String reason) {
        closed = true;
        pending.forEach((k, p) -> {
            if (pending.remove(k, p)) {
                completions.fail(p.future(), new DeliveryException(reason));
            }
        });
    }
}
