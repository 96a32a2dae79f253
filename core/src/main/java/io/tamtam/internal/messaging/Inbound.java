package io.tamtam.internal.messaging;

import io.tamtam.internal.Context;
import io.tamtam.internal.Dispatch;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.peer.Peer;
import io.tamtam.internal.peer.Peers;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.WireFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The receiving side of point-to-point messages: best-effort and reliable messages and requests go to
 * their handlers (reliable ones in their sender's order, through the sender's session), and
 * acknowledgements and replies to the futures waiting for them. All of it runs on the thread that
 * received the packet: it needs no protocol state. Thread-safe.
 */
public final class Inbound {
    private static final Logger LOG = LoggerFactory.getLogger(Inbound.class);

    private final Context ctx;
    private final Messaging messaging;
    private final InOrder inOrder;
    private final Peers peers;
    private final Replies replies;

    /**
     * @param ctx       shared parts (member table, outbox)
     * @param messaging delivers to handlers
     * @param inOrder   keeps reliable messages in order
     * @param peers     the senders' sessions
     * @param replies   futures waiting for acknowledgements and replies
     */
    public Inbound(Context ctx, Messaging messaging, InOrder inOrder, Peers peers, Replies replies) {
        this.ctx = ctx;
        this.messaging = messaging;
        this.inOrder = inOrder;
        this.peers = peers;
        this.replies = replies;
    }

    /**
     * Registers the kinds this part owns: USER, RELIABLE, REQUEST, RELIABLE-ACK and REPLY, on the
     * receiving thread.
     *
     * @param dispatch the node's dispatch table
     */
    public void register(Dispatch dispatch) {
        dispatch.onReceivingThread(Message.User.class,
                (u, sender, from, viaFrame) -> messaging.deliverOwned(sender, u.userType(), u.payload(), false, null));
        dispatch.onReceivingThread(Message.Reliable.class, (r, sender, from, viaFrame) -> onReliable(List.of(r), sender, from),
                (rs, sender, from, viaFrame) -> onReliable(rs, sender, from));
        dispatch.onReceivingThread(Message.Request.class, (r, sender, from, viaFrame) ->
                messaging.deliverOwned(sender, r.userType(), r.payload(), true,
                        (status, reply) -> answer(sender, from, new Message.Reply(r.id(), status, reply))));
        dispatch.onReceivingThread(Message.ReliableAck.class, (a, sender, from, viaFrame) ->
                replies.answer(a.seq(), sender, a.status(), a.error().getBytes(StandardCharsets.UTF_8)),
                (as, sender, from, viaFrame) -> replies.answerAcks(as, sender));
        dispatch.onReceivingThread(Message.Reply.class,
                (r, sender, from, viaFrame) -> replies.answer(r.id(), sender, r.status(), r.body()));
    }

    /**
     * A packet's reliable messages from one sender: each is put in order ({@link InOrder}); those handed on
     * while the packet is read (its own and any held ones whose gap it fills) go to the sender's delivery
     * lane as one task ({@link Messaging.Batch}), in order. The sender's ordering lock is held until that
     * task is queued, so that no other thread hands on a later message of the sender before it.
     */
    private void onReliable(List<Message.Reliable> rs, UUID sender, InetSocketAddress from) {
        Peer peer = peers.sender(sender);
        InOrder.Lane lane = peer.inbound();
        synchronized (lane) {
            Messaging.Batch batch = new Messaging.Batch(sender, peer, rs.size() + lane.heldCount());
            lane.gathering(batch);
            try {
                for (Message.Reliable r : rs) {
                    Delivery d = new Delivery(r, sender, from, peer);
                    InOrder.Outcome o = inOrder.accept(lane, r.lane(), r.order(), r.payload().length, d);
                    if (o == InOrder.Outcome.DUPLICATE) {
                        d.answerNow(WireFormat.STATUS_OK, new byte[0]);
                    } else if (o == InOrder.Outcome.REFUSED) {
                        messaging.refuseOverloaded(d);
                    }
                }
            } finally {
                lane.gathering(null);
                messaging.submit(batch);
            }
        }
    }

    /**
     * One reliable message on its way to its handler, and its acknowledgement. Run by {@link InOrder} when
     * its turn comes: into the batch being gathered for its sender, or, handed on later (a gap skipped, the
     * session gone), alone.
     */
    private final class Delivery implements Runnable, Messaging.Outcome {
        private final Message.Reliable r;
        private final UUID sender;
        private final InetSocketAddress from;
        private final Peer peer;

        Delivery(Message.Reliable r, UUID sender, InetSocketAddress from, Peer peer) {
            this.r = r;
            this.sender = sender;
            this.from = from;
            this.peer = peer;
        }

        @Override
        public void run() {
            Messaging.Batch batch = peer.inbound().gathering();
            if (batch != null) {
                messaging.gather(batch, r.userType(), r.payload(), this);
            } else {
                messaging.deliver(sender, peer, r.userType(), r.payload(), false, this, true);
            }
        }

        @Override
        public void done(int status, byte[] reply) {
            done(status, reply, false);
        }

        /**
         * A handled message's positive acknowledgement runs on the sender's delivery lane: it waits for
         * those of the messages after it in the same task or queued behind it, to go in one packet
         * ({@link AckBatch}). Other answers go at once.
         */
        @Override
        public void done(int status, byte[] reply, boolean more) {
            if (status == WireFormat.STATUS_OK) {
                peer.acks().add(new Message.ReliableAck(r.seq(), status, ""),
                        more || peer.delivery().hasQueued(), acks -> answerAll(sender, from, acks), ctx.scheduler());
            } else {
                answerNow(status, reply);
            }
        }

        void answerNow(int status, byte[] reply) {
            answer(sender, from, new Message.ReliableAck(r.seq(), status,
                    status == WireFormat.STATUS_OK ? "" : new String(reply, StandardCharsets.UTF_8)));
        }
    }

    /**
     * Where an answer to a sender goes: its member address, or, while this node does not know it yet (it
     * joined through another member and its ALIVE has not arrived), the listen address its packet came
     * from (a datagram's source, or the listen address a frame connection announced in its preface).
     */
    private InetSocketAddress replyAddress(UUID to, InetSocketAddress from) {
        Member member = ctx.table().get(to);
        return member != null ? member.snapshot().address() : from;
    }

    private void answerAll(UUID to, InetSocketAddress from, List<Message> acks) {
        InetSocketAddress address = replyAddress(to, from);
        if (address == null) {
            return;
        }
        ctx.outbox().sendFramePacket(address, ctx.outbox().codec().encodeAll(acks)).whenComplete((v, err) -> {
            if (err != null) {
                LOG.debug("could not acknowledge {} messages of {}: {}", acks.size(), to, err.toString());
            }
        });
    }

    private void answer(UUID to, InetSocketAddress from, Message m) {
        InetSocketAddress address = replyAddress(to, from);
        if (address == null) {
            return;
        }
        ctx.outbox().sendFrame(address, m).whenComplete((v, err) -> {
            if (err != null) {
                // The sender times out and reports it; nothing else to do here.
                LOG.debug("could not answer {}: {}", to, err.toString());
            }
        });
    }
}
