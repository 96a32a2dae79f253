package io.tamtam.internal.messaging;

import io.tamtam.DeliveryException;
import io.tamtam.MessageType;
import io.tamtam.RequestType;
import io.tamtam.internal.Coalescer;
import io.tamtam.internal.Context;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.peer.Peer;
import io.tamtam.internal.peer.Peers;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The sending side of point-to-point user messages: best effort, reliable (acknowledged once handled)
 * and request/reply. Every failure reaches the caller's future with its reason. Thread-safe.
 */
public final class DirectMessages {
    private final Context ctx;
    private final PacketCodec codec;
    private final Payloads payloads;
    private final Replies replies;
    private final Completions completions;
    private final BooleanSupplier closed;
    private final AtomicLong nextCorrelation;
    private final Peers peers;
    private final Coalescer coalescer;

    /**
     * @param ctx         shared parts (member table, outbox, config)
     * @param codec       packet codec
     * @param payloads    payload encoding
     * @param replies     waiting acknowledgements and replies
     * @param completions completes futures off the network threads
     * @param peers       the members' sessions, which hold the outbound reliable lanes
     * @param closed      whether the node is closed
     */
    public DirectMessages(Context ctx, PacketCodec codec, Payloads payloads, Replies replies, Completions completions,
                          Peers peers, BooleanSupplier closed) {
        this.ctx = ctx;
        this.peers = peers;
        this.codec = codec;
        this.payloads = payloads;
        this.replies = replies;
        this.completions = completions;
        this.closed = closed;
        this.nextCorrelation = new AtomicLong(ctx.random().nextLong());
        this.coalescer = new Coalescer(ctx.outbox(), ctx.scheduler(), ctx.clock(), ctx.stats(),
                ctx.config().datagramBurstLimit());
    }

    /** Counts the best-effort datagrams not yet sent when the node closes (see {@link Coalescer#close()}). */
    public void close() {
        coalescer.close();
    }

    /**
     * @param type    a user type
     * @param payload the payload
     * @return the encoded payload
     * @throws IOException when the node is closed or the payload cannot be encoded
     */
    public byte[] encode(MessageType<?> type, Object payload) throws IOException {
        java.util.Objects.requireNonNull(type, "type");
        if (closed.getAsBoolean()) {
            throw new IOException("the cluster node is closed");
        }
        return payloads.encode(payload);
    }

    /**
     * @param node a node id
     * @return the member when it is live (ALIVE or SUSPECT), else null
     */
    public Member live(UUID node) {
        Member m = ctx.table().get(node);
        return m == null || !m.isLive() ? null : m;
    }

    /**
     * @param node    destination
     * @param type    user type
     * @param payload payload
     * @return completes when handed to the transport, or, for a message that fits a datagram, when it
     *         joined the member's next datagram ({@link Coalescer})
     */
    public CompletableFuture<Void> send(UUID node, MessageType<?> type, Object payload) {
        byte[] bytes;
        try {
            bytes = encode(type, payload);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new DeliveryException("cannot send: " + e.getMessage(), e));
        }
        Member m = live(node);
        if (m == null) {
            return notLive(node);
        }
        Message.User message = new Message.User(type.id(), bytes);
        Peer peer = peers.member(node);
        if (peer != null) {
            byte[] item = PacketCodec.item(message);
            if (coalescer.fits(item)) {
                coalescer.send(peer, m.snapshot().address(), item);
                return CompletableFuture.completedFuture(null);
            }
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        ctx.outbox().sendAny(m.snapshot().address(), message).whenComplete((v, err) -> {
            if (err == null) {
                completions.complete(f, null);
            } else {
                completions.fail(f, new DeliveryException("send to " + node + " failed: " + Completions.describe(err), err));
            }
        });
        return f;
    }

    /**
     * @param node    destination
     * @param type    user type
     * @param payload payload
     * @return completes when the receiver's handler returned
     */
    public CompletableFuture<Void> sendReliable(UUID node, MessageType<?> type, Object payload) {
        byte[] bytes;
        try {
            bytes = encode(type, payload);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new DeliveryException("cannot send: " + e.getMessage(), e));
        }
        if (bytes.length > ctx.config().maxFrameSize() - 128) {
            return CompletableFuture.failedFuture(new DeliveryException("message of " + bytes.length
                    + " bytes exceeds maxFrameSize " + ctx.config().maxFrameSize() + "; raise ClusterConfig.maxFrameSize or use a stream"));
        }
        Member m = live(node);
        Peer peer = peers.member(node);
        if (m == null || peer == null) {
            return notLive(node);
        }
        long seq = nextCorrelation.getAndIncrement();
        CompletableFuture<Void> f = replies.awaitAck(seq, node, ctx.config().reliableTimeout());
        OutboundLane out = peer.outbound();
        List<OutboundLane.Entry> now;
        synchronized (out.lock()) {
            if (out.full(bytes.length)) {
                now = null;
                replies.fail(seq, new DeliveryException("send queue full for node " + node + ": more than "
                        + (OutboundLane.MAX_QUEUED_BYTES >> 20) + " MiB of reliable messages wait to be written;"
                        + " slow down or check that the node is reachable"));
            } else {
                now = out.offer(new OutboundLane.Entry(new Message.Reliable(seq, peer.outboundLane(), out.takeOrder(),
                        type.id(), bytes), m.snapshot().address()));
            }
        }
        if (now != null) {
            write(out, now);
        }
        return f;
    }

    /**
     * Writes a lane's batches one after the other, each when the write of the one before completed (on
     * the thread that completes it), until the lane has nothing waiting.
     *
     * @param out   the lane
     * @param batch its first batch
     */
    private void write(OutboundLane out, List<OutboundLane.Entry> batch) {
        List<OutboundLane.Entry> next = batch;
        while (next != null) {
            List<OutboundLane.Entry> b = next;
            CompletableFuture<Void> written = writeBatch(b);
            if (!written.isDone()) {
                written.whenComplete((v, err) -> {
                    retryFailed(b, err);
                    write(out, out.next());
                });
                return;
            }
            Throwable err = null;
            try {
                written.join();
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                err = e.getCause() != null ? e.getCause() : e;
            }
            retryFailed(b, err);
            next = out.next();
        }
    }

    /** @return completes when the batch's packet was written: a message alone, or a compound packet */
    private CompletableFuture<Void> writeBatch(List<OutboundLane.Entry> batch) {
        InetSocketAddress to = batch.get(0).to();
        try {
            if (batch.size() == 1) {
                return ctx.outbox().sendFrameParts(to, codec.encodeFrame(batch.get(0).message()));
            }
            List<Message> messages = new ArrayList<>(batch.size());
            for (OutboundLane.Entry e : batch) {
                messages.add(e.message());
            }
            return ctx.outbox().sendFramePacket(to, codec.encodeAll(messages));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A batch whose write failed (its connection broke) is written once more, with those of its messages
     * that still wait for their acknowledgement (the transport reconnects on the next send); what fails
     * again fails the messages' futures.
     */
    private void retryFailed(List<OutboundLane.Entry> batch, Throwable err) {
        if (err == null) {
            return;
        }
        List<OutboundLane.Entry> again = new ArrayList<>(batch.size());
        for (OutboundLane.Entry e : batch) {
            if (!closed.getAsBoolean() && replies.waiting(e.message().seq())) {
                again.add(e);
            }
        }
        if (again.isEmpty()) {
            failAll(batch, err);
            return;
        }
        writeBatch(again).whenComplete((v, err2) -> {
            if (err2 != null) {
                failAll(batch, err2);
            }
        });
    }

    private void failAll(List<OutboundLane.Entry> batch, Throwable err) {
        for (OutboundLane.Entry e : batch) {
            replies.fail(e.message().seq(), new DeliveryException("cannot reach " + e.to() + ": "
                    + Completions.describe(err), err));
        }
    }

    /**
     * @param node    destination
     * @param type    request type
     * @param payload request
     * @param timeout how long to wait
     * @param <R>     reply type
     * @return the reply
     */
    public <R> CompletableFuture<R> request(UUID node, RequestType<?, R> type, Object payload, Duration timeout) {
        byte[] bytes;
        try {
            bytes = encode(type.requestType(), payload);
            payloads.checkSupported(type.replyClass());
        } catch (IOException | IllegalStateException e) {
            return CompletableFuture.failedFuture(new DeliveryException("cannot send request: " + e.getMessage(), e));
        }
        Member m = live(node);
        if (m == null) {
            return notLive(node);
        }
        long rid = nextCorrelation.getAndIncrement();
        Class<R> replyClass = type.replyClass();
        CompletableFuture<byte[]> f = replies.await(rid, node, timeout);
        sendWithRetry(m.snapshot().address(), codec.encodeFrame(new Message.Request(rid, type.id(), bytes)), rid, 1);
        return f.thenApply(reply -> {
            try {
                return payloads.decode(reply, replyClass);
            } catch (IOException e) {
                throw new DeliveryException("cannot decode the reply as " + replyClass.getName() + ": " + e.getMessage(), e);
            }
        });
    }

    private void sendWithRetry(InetSocketAddress to, PacketCodec.Parts packet, long correlation, int retries) {
        ctx.outbox().sendFrameParts(to, packet).whenComplete((v, err) -> {
            if (err == null) {
                return;
            }
            if (retries > 0 && !closed.getAsBoolean() && replies.waiting(correlation)) {
                // A broken connection: the transport reconnects on the next send.
                sendWithRetry(to, packet, correlation, retries - 1);
                return;
            }
            replies.fail(correlation, new DeliveryException("cannot reach " + to + ": " + Completions.describe(err), err));
        });
    }

    /**
     * @param node a node that is not a live member
     * @param <T>  the future's type
     * @return a future failed with the reason
     */
    public <T> CompletableFuture<T> notLive(UUID node) {
        Member m = ctx.table().get(node);
        String why = m != null ? "is " + m.state().name().toLowerCase(java.util.Locale.ROOT)
                : peers.wasRemoved(node) ? "was removed from the membership" : "is not a known member";
        return CompletableFuture.failedFuture(new DeliveryException("node " + node + " " + why));
    }
}
