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
        dispatch.onReceivingThread(Message.Reliable.class, (r, sender, from, viaFrame) -> onReliable(r, sender, from));
        dispatch.onReceivingThread(Message.Request.class, (r, sender, from, viaFrame) ->
                messaging.deliverOwned(sender, r.userType(), r.payload(), true,
                        (status, reply) -> answer(sender, from, new Message.Reply(r.id(), status, reply))));
        dispatch.onReceivingThread(Message.ReliableAck.class, (a, sender, from, viaFrame) ->
                replies.answer(a.seq(), sender, a.status(), a.error().getBytes(StandardCharsets.UTF_8)));
        dispatch.onReceivingThread(Message.Reply.class,
                (r, sender, from, viaFrame) -> replies.answer(r.id(), sender, r.status(), r.body()));
    }

    private void onReliable(Message.Reliable r, UUID sender, InetSocketAddress from) {
        Peer peer = peers.sender(sender);
        Messaging.Outcome ack = (status, reply) -> answer(sender, from, new Message.ReliableAck(r.seq(), status,
                status == WireFormat.STATUS_OK ? "" : new String(reply, StandardCharsets.UTF_8)));
        // A handled message's acknowledgement runs on the sender's delivery lane: it waits for those of
        // the messages queued behind it, to go in one packet (AckBatch).
        Messaging.Outcome handled = (status, reply) -> {
            if (status == WireFormat.STATUS_OK) {
                peer.acks().add(new Message.ReliableAck(r.seq(), status, ""),
                        peer.delivery().hasQueued(), acks -> answerAll(sender, from, acks), ctx.scheduler());
            } else {
                ack.done(status, reply);
            }
        };
        InOrder.Outcome o = inOrder.accept(peer.inbound(), r.lane(), r.order(), r.payload().length,
                () -> messaging.deliver(sender, peer, r.userType(), r.payload(), false, handled, true));
        if (o == InOrder.Outcome.DUPLICATE) {
            ack.done(WireFormat.STATUS_OK, new byte[0]);
        } else if (o == InOrder.Outcome.REFUSED) {
            messaging.refuseOverloaded(ack);
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
