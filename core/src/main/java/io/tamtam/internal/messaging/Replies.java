package io.tamtam.internal.messaging;

import io.tamtam.DeliveryException;
import io.tamtam.RemoteException;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.spi.NanoClock;
import io.tamtam.spi.Scheduler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reliable messages and requests waiting for their acknowledgement or reply. Deadlines are checked by
 * one sweep every {@link #SWEEP_NANOS} while anything waits, not by a timer per message. Thread-safe.
 */
public final class Replies {
    /** How often deadlines are checked: 20 ms. */
    static final long SWEEP_NANOS = 20_000_000L;

    /**
     * One waiting message, answered by {@code target} before {@code deadline} (clock nanoseconds); an
     * acknowledgement completes {@code future} with null, a reply with its body.
     */
    private record Pending(CompletableFuture<Object> future, boolean ack, UUID target, long deadline,
                           Duration timeout) {
    }

    /** Waiting messages by correlation id; guarded by itself. */
    private final LongMap<Pending> pending = new LongMap<>();
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
     * @param correlation the request id
     * @param target      the node that must answer
     * @param timeout     how long to wait
     * @return completes with the reply's body; fails on timeout, refusal or remote error
     */
    public CompletableFuture<byte[]> await(long correlation, UUID target, Duration timeout) {
        return register(correlation, false, target, timeout);
    }

    /**
     * @param correlation the reliable message's sequence
     * @param target      the node that must acknowledge it
     * @param timeout     how long to wait
     * @return completes (with null) when acknowledged; fails on timeout, refusal or remote error
     */
    public CompletableFuture<Void> awaitAck(long correlation, UUID target, Duration timeout) {
        return register(correlation, true, target, timeout);
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> register(long correlation, boolean ack, UUID target, Duration timeout) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Pending p = new Pending(f, ack, target, clock.nanoTime() + timeout.toNanos(), timeout);
        synchronized (pending) {
            pending.put(correlation, p);
        }
        if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
            scheduler.schedule(this::sweep, SWEEP_NANOS);
        }
        return (CompletableFuture<T>) (CompletableFuture<?>) f;
    }

    /** @param correlation a message @return whether it still waits */
    public boolean waiting(long correlation) {
        synchronized (pending) {
            return pending.get(correlation) != null;
        }
    }

    private void sweep() {
        long now = clock.nanoTime();
        List<Pending> expired;
        boolean more;
        synchronized (pending) {
            expired = pending.removeIf((k, p) -> now - p.deadline() >= 0);
            more = pending.size() > 0;
        }
        for (Pending p : expired) {
            completions.fail(p.future(), new DeliveryException("no answer from node " + p.target() + " within "
                    + p.timeout(), new TimeoutException(p.timeout().toString())));
        }
        sweeping.set(false);
        if (more && !closed && sweeping.compareAndSet(false, true)) {
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
        Pending p;
        synchronized (pending) {
            p = pending.get(correlation);
            if (p == null || !p.target().equals(sender)) {
                return;
            }
            pending.remove(correlation);
        }
        if (status == WireFormat.STATUS_OK) {
            completions.complete(p.future(), p.ack() ? null : body);
        } else if (status == WireFormat.STATUS_HANDLER_ERROR) {
            completions.fail(p.future(), new RemoteException(new String(body, StandardCharsets.UTF_8)));
        } else {
            completions.fail(p.future(), new DeliveryException("node " + sender + " refused the message: "
                    + new String(body, StandardCharsets.UTF_8)));
        }
    }

    /**
     * Applies the acknowledgements of one packet: the waiting messages are looked up under one lock, and
     * the futures of the positive ones complete in one task ({@link Completions#completeAll}).
     *
     * @param acks   the acknowledgements, in packet order
     * @param sender the node that sent them; acknowledgements for messages to others are ignored
     */
    public void answerAcks(List<Message.ReliableAck> acks, UUID sender) {
        CompletableFuture<?>[] ok = new CompletableFuture<?>[acks.size()];
        int n = 0;
        List<Message.ReliableAck> others = null;
        synchronized (pending) {
            for (Message.ReliableAck a : acks) {
                if (a.status() != WireFormat.STATUS_OK) {
                    if (others == null) {
                        others = new ArrayList<>();
                    }
                    others.add(a);
                    continue;
                }
                Pending p = pending.get(a.seq());
                if (p != null && p.target().equals(sender)) {
                    pending.remove(a.seq());
                    ok[n++] = p.future();
                }
            }
        }
        completions.completeAll(ok, n);
        if (others != null) {
            for (Message.ReliableAck a : others) {
                answer(a.seq(), sender, a.status(), a.error().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * @param correlation a waiting message
     * @param error       why it cannot be delivered
     */
    public void fail(long correlation, Throwable error) {
        Pending p;
        synchronized (pending) {
            p = pending.remove(correlation);
        }
        if (p != null) {
            completions.fail(p.future(), error);
        }
    }

    /**
     * @param node   a node that died or left
     * @param reason what the futures say
     */
    public void failTo(UUID node, String reason) {
        List<Pending> gone;
        synchronized (pending) {
            gone = pending.removeIf((k, p) -> p.target().equals(node));
        }
        for (Pending p : gone) {
            completions.fail(p.future(), new DeliveryException(reason));
        }
    }

    /** @param reason what every waiting future says; no more sweeps run */
    public void close(String reason) {
        closed = true;
        List<Pending> all;
        synchronized (pending) {
            all = pending.removeIf((k, p) -> true);
        }
        for (Pending p : all) {
            completions.fail(p.future(), new DeliveryException(reason));
        }
    }
}
