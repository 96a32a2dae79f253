package io.tamtam.internal.dissemination;

import io.tamtam.DeliveryException;
import io.tamtam.DropReason;
import io.tamtam.internal.Context;
import io.tamtam.internal.Dispatch;
import io.tamtam.internal.messaging.Messaging;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.wire.Message;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * User broadcasts: originated here or relayed, each delivered once per (origin, sequence) and passed on
 * through the {@link Disseminator}. Not delivered to its own origin.
 */
public final class Broadcasts {
    /** Broadcast ids remembered to suppress duplicates. */
    static final int SEEN = 65_536;

    private record Id(UUID origin, long seq) {
    }

    /** Sequences of TTL broadcasts are their own: not repaired, not mixed with the others. */
    private record TtlId(UUID origin, long seq) {
    }

    /** The wall clock TTL deadlines are read against. */
    private final java.util.function.LongSupplier wallMillis = System::currentTimeMillis;
    private long nextTtlSeq;

    private final Context ctx;
    private final Disseminator dissemination;
    private final Messaging messaging;
    private final Completions completions;
    private final BooleanSupplier closed;
    private final SeenCache<Id> seen = new SeenCache<>(SEEN);
    private final BroadcastRepair repair;
    private long nextSeq;

    /**
     * @param ctx           shared parts
     * @param dissemination passes broadcasts on
     * @param messaging     delivers them to handlers
     * @param completions   completes futures off the protocol thread
     * @param closed        whether the node is closed
     */
    public Broadcasts(Context ctx, Disseminator dissemination, Messaging messaging, Completions completions,
                      BooleanSupplier closed) {
        this.ctx = ctx;
        this.dissemination = dissemination;
        this.messaging = messaging;
        this.completions = completions;
        this.closed = closed;
        this.nextSeq = ctx.random().nextLong() & (Long.MAX_VALUE >>> 1);
        this.repair = new BroadcastRepair(ctx);
    }

    /**
     * Starts a broadcast. Any thread.
     *
     * @param type  user type
     * @param bytes encoded payload, already checked against the frame limit
     * @return completes when queued; fails when closed or when the queue is full of items never sent
     */
    public CompletableFuture<Void> originate(int type, byte[] bytes) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        ctx.scheduler().execute(() -> {
            if (closed.getAsBoolean()) {
                completions.fail(f, new DeliveryException("the cluster node is closed"));
                return;
            }
            long seq = nextSeq;
            Id id = new Id(ctx.selfId(), seq);
            Message.Broadcast b = new Message.Broadcast(ctx.selfId(), seq, type, bytes);
            if (!dissemination.offerUserBroadcast(id, b)) {
                completions.fail(f, new DeliveryException("the broadcast queue is full of "
                        + ctx.config().broadcastQueueCapacity() + " messages not yet sent; broadcast more slowly or raise "
                        + "ClusterConfig.broadcastQueueCapacity"));
                return;
            }
            nextSeq++;   // sequences stay consecutive: members ask for the ones they lack
            repair.originated(b);
            seen.firstTime(id);
            ctx.stats().broadcastOriginated();
            completions.complete(f, null);
        });
        return f;
    }

    /**
     * Registers the kinds this part owns on the protocol thread: BROADCAST and BROADCAST_TTL as urgent tasks
     * (each hop of a broadcast's tree waits for them), the resend and repair kinds as others.
     *
     * @param dispatch the node's dispatch table
     */
    public void register(Dispatch dispatch) {
        dispatch.onProtocolThreadUrgent(Message.Broadcast.class, (b, sender, from, viaFrame) -> onBroadcast(b));
        dispatch.onProtocolThreadUrgent(Message.BroadcastTtl.class, (b, sender, from, viaFrame) -> onTtl(b));
        dispatch.onProtocolThread(Message.BroadcastResent.class, (b, sender, from, viaFrame) -> onResent(sender, b));
        dispatch.onProtocolThread(Message.BroadcastDigest.class, (d, sender, from, viaFrame) -> repair.onDigest(sender, d));
        dispatch.onProtocolThread(Message.BroadcastRepair.class, (r, sender, from, viaFrame) -> repair.onRepair(sender, r));
    }

    /**
     * A broadcast received from another node. Protocol thread.
     *
     * @param b the broadcast
     */
    public void onBroadcast(Message.Broadcast b) {
        Id id = new Id(b.origin(), b.seq());
        if (b.origin().equals(ctx.selfId()) || !seen.firstTime(id)) {
            return;
        }
        if (dissemination.offerUserBroadcast(id, b)) {
            ctx.stats().broadcastRelayed();
        } else {
            // Full of items not yet sent: this node delivers but does not relay; others still do.
            ctx.stats().drop(DropReason.QUEUE_FULL);
        }
        repair.received(b.origin(), b.seq());
        messaging.deliver(b.origin(), b.userType(), b.payload(), false, null);
    }

    /**
     * Starts a broadcast with a lifetime. Any thread.
     *
     * @param type     user type
     * @param bytes    encoded payload, already checked against the frame limit
     * @param passes   relay passes allowed
     * @param lifetime nanoseconds it may be delivered
     * @return as {@link #originate(int, byte[])}
     */
    public CompletableFuture<Void> originateTtl(int type, byte[] bytes, int passes, long lifetime) {
        long expiresAt = wallMillis.getAsLong() + Math.max(1, lifetime / 1_000_000L);
        CompletableFuture<Void> f = new CompletableFuture<>();
        ctx.scheduler().execute(() -> {
            if (closed.getAsBoolean()) {
                completions.fail(f, new DeliveryException("the cluster node is closed"));
                return;
            }
            TtlId id = new TtlId(ctx.selfId(), nextTtlSeq);
            if (!dissemination.offerBroadcast(id, new Message.BroadcastTtl(ctx.selfId(), nextTtlSeq, type, passes, expiresAt, bytes))) {
                completions.fail(f, new DeliveryException("the broadcast queue is full of "
                        + ctx.config().broadcastQueueCapacity() + " messages not yet sent; broadcast more slowly or raise "
                        + "ClusterConfig.broadcastQueueCapacity"));
                return;
            }
            nextTtlSeq++;
            ctx.stats().broadcastOriginated();
            completions.complete(f, null);
        });
        return f;
    }

    /** A broadcast with a lifetime: dropped when expired, relayed while passes are left. Protocol thread. */
    private void onTtl(Message.BroadcastTtl b) {
        if (b.origin().equals(ctx.selfId())) {
            return;
        }
        if (wallMillis.getAsLong() >= b.expiresAt()) {
            ctx.stats().broadcastDroppedByTtl();
            return;
        }
        if (!seen.firstTime(new Id(b.origin(), ~b.seq())) ) {
            return;
        }
        if (b.passesLeft() > 0) {
            Message.BroadcastTtl next = new Message.BroadcastTtl(b.origin(), b.seq(), b.userType(), b.passesLeft() - 1,
                    b.expiresAt(), b.payload());
            if (dissemination.offerBroadcast(new TtlId(b.origin(), b.seq()), next)) {
                ctx.stats().broadcastRelayed();
            }
        }
        messaging.deliver(b.origin(), b.userType(), b.payload(), false, null);
    }

    /** A broadcast its origin sent again because this node lacked it: delivered, not relayed. */
    private void onResent(UUID sender, Message.BroadcastResent b) {
        Id id = new Id(b.origin(), b.seq());
        if (!b.origin().equals(sender) || !seen.firstTime(id)) {
            return;
        }
        repair.received(b.origin(), b.seq());
        messaging.deliver(b.origin(), b.userType(), b.payload(), false, null);
    }

    /** @return sends digests of this node's recent broadcasts and answers members that lack some */
    public BroadcastRepair repair() {
        return repair;
    }
}
