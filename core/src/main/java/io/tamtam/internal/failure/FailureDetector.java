package io.tamtam.internal.failure;

import io.tamtam.DropReason;
import io.tamtam.internal.Context;
import io.tamtam.internal.Dispatch;
import io.tamtam.internal.Outbox;
import io.tamtam.internal.dissemination.Disseminator;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.membership.Membership;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SWIM failure detection with Lifeguard: one member per (health-scaled) probe interval, in shuffled
 * round-robin order; a direct ping, then k indirect pings with nacks and a ping over the stream path
 * when no ack came within the (health-scaled) probe timeout; a suspicion when nothing answered by the
 * end of the interval, sent to the suspect too so that it refutes at once. Protocol thread only.
 */
public final class FailureDetector {

    private final class Probe {
        boolean acked;
        int nacks;
        Runnable relay;
        /** The probed member and when its ping went, for the round trip; null for a relayed probe. */
        java.util.UUID target;
        long sentNanos;
        /** How late the probe's timeout and end-of-period checks ran, the later of the two. */
        long late;
    }

    private final Context ctx;
    private final Membership membership;
    private final Disseminator dissemination;
    private final Awareness awareness;
    private final Map<Integer, Probe> pending = new HashMap<>();
    private int nextSeq;
    private boolean stopped;

    /**
     * @param ctx           shared parts
     * @param membership    state machine
     * @param dissemination piggybacking
     * @param awareness     local health
     */
    public FailureDetector(Context ctx, Membership membership, Disseminator dissemination, Awareness awareness) {
        this.ctx = ctx;
        this.membership = membership;
        this.dissemination = dissemination;
        this.awareness = awareness;
        this.nextSeq = ctx.random().nextInt();
    }

    /** Starts the probe loop after a random fraction of an interval (so that nodes do not probe in step). */
    public void start() {
        long interval = ctx.config().probeInterval().toNanos();
        ctx.scheduler().schedule(this::tick, (long) (ctx.random().nextDouble() * interval));
    }

    /** Stops probing. */
    public void stop() {
        stopped = true;
    }

    private void tick() {
        if (stopped) {
            return;
        }
        Member target = ctx.table().nextProbeTarget(ctx.selfId());
        if (target != null) {
            probe(target);
        }
        ctx.scheduler().schedule(this::tick, awareness.scale(ctx.config().probeInterval().toNanos()));
    }

    private void probe(Member target) {
        int seq = nextSeq++;
        Probe p = new Probe();
        p.target = target.id();
        p.sentNanos = ctx.now();
        pending.put(seq, p);
        long incarnation = target.incarnation();
        InetSocketAddress addr = target.snapshot().address();
        sendWithPiggyback(addr, new Message.Ping(seq, target.id()));
        long timeout = awareness.scale(ctx.config().probeTimeout().toNanos());
        long interval = awareness.scale(ctx.config().probeInterval().toNanos());
        int[] expectedNacks = {0};
        ctx.scheduler().schedule(() -> {
            p.late = Math.max(p.late, ctx.now() - p.sentNanos - timeout);
            if (p.acked || stopped) {
                return;
            }
            // As for the verdict below: the ack may wait unread in this node's socket, so the indirect stage
            // starts only once what the socket holds now has been read.
            ctx.outbox().afterPendingReads(() -> ctx.scheduler().execute(() -> {
                if (!p.acked && !stopped) {
                    expectedNacks[0] = indirect(seq, target, addr);
                }
            }));
        }, timeout);
        ctx.scheduler().schedule(() -> {
            if (stopped || p.acked) {
                pending.remove(seq);
                if (p.acked && !stopped) {
                    awareness.apply(-1);
                }
                return;
            }
            // The answer may have come in time and wait unread in this node's socket, its receiving thread
            // behind: the verdict waits until what the socket holds now has been read, and how long that
            // took counts as lateness too.
            ctx.outbox().afterPendingReads(() -> ctx.scheduler().execute(
                    () -> verdict(seq, p, target, incarnation, expectedNacks[0], timeout, interval)));
        }, interval);
    }

    /**
     * Asks k members to probe the target and pings it over a connection.
     *
     * @return how many members were asked (the nacks to expect)
     */
    private int indirect(int seq, Member target, InetSocketAddress addr) {
        List<Member> helpers = ctx.table().random(ctx.config().indirectChecks(),
                m -> m.isLive() && m != target && !m.id().equals(ctx.selfId()) && ctx.table().reaches(m));
        Message.PingReq req = new Message.PingReq(seq, target.id(), addr, true);
        for (Member h : helpers) {
            ctx.outbox().send(h.snapshot().address(), req);
        }
        // A network that drops datagrams must not make every node look dead.
        ctx.outbox().sendFrame(addr, new Message.Ping(seq, target.id()));
        return helpers.size();
    }

    /**
     * At the end of an unanswered probe's period, once this node read what its socket held: an ack read
     * meanwhile, a late check (no suspicion), or a suspicion.
     */
    private void verdict(int seq, Probe p, Member target, long incarnation, int expected, long timeout, long interval) {
        pending.remove(seq);
        if (stopped) {
            return;
        }
        p.late = Math.max(p.late, ctx.now() - p.sentNanos - interval);
        if (p.late > timeout / 2) {
            // One of this probe's checks ran more than half a probe timeout late, or this node read its
            // socket that late: this node was stalled (a collector pause, a starved thread), so a missing
            // answer says more about it than about the target. Lifeguard's rule that a slow node stops
            // accusing: its health score rises, and it raises no suspicion.
            ctx.stats().probeLate();
            awareness.apply(1);
            return;
        }
        if (p.acked) {
            awareness.apply(-1);
            return;
        }
        awareness.apply(expected > 0 ? Math.max(0, expected - p.nacks) : 1);
        if (target.inTable() && target.isLive() && target.incarnation() == incarnation) {
            ctx.stats().suspicionRaised();
            membership.onSuspect(target.id(), incarnation, ctx.selfId());
            ctx.outbox().send(target.snapshot().address(), new Message.Suspect(target.id(), incarnation, ctx.selfId()));
        }
    }

    /**
     * Sends one direct probe (PING) to a member outside the probe schedule and reports its round trip; on
     * the protocol thread. It does not raise suspicion when unanswered and is not counted in the member's
     * round-trip statistics.
     *
     * @param target   the member
     * @param timeout  how long to wait for the ACK, in nanoseconds
     * @param answered gets the round trip in nanoseconds, or -1 when no ACK came in time
     */
    public void ping(Member target, long timeout, java.util.function.LongConsumer answered) {
        int seq = nextSeq++;
        Probe p = new Probe();
        long sent = ctx.now();
        p.relay = () -> answered.accept(ctx.now() - sent);
        pending.put(seq, p);
        sendWithPiggyback(target.snapshot().address(), new Message.Ping(seq, target.id()));
        ctx.scheduler().schedule(() -> {
            if (pending.remove(seq) != null && !p.acked) {
                answered.accept(-1);
            }
        }, timeout);
    }

    private void sendWithPiggyback(InetSocketAddress to, Message m) {
        byte[] item = PacketCodec.item(m);
        int budget = ctx.outbox().datagramBudget() - item.length - Outbox.perItemOverhead();
        List<byte[]> extra = dissemination.piggyback(budget);
        if (extra.isEmpty()) {
            ctx.outbox().sendItems(to, List.of(item));
        } else {
            List<byte[]> items = new ArrayList<>(extra.size() + 1);
            items.add(item);
            items.addAll(extra);
            ctx.outbox().sendItems(to, items);
        }
    }

    /**
     * Registers the kinds this part owns: PING, PING-REQ, ACK, NACK, on the protocol thread as urgent tasks
     * (a late answer is a false suspicion). A message that
     * came on the stream path is answered at the sender's member address (the connection's remote end is
     * an ephemeral port).
     *
     * @param dispatch the node's dispatch table
     */
    public void register(Dispatch dispatch) {
        dispatch.onProtocolThreadUrgent(Message.Ping.class, (p, sender, from, viaFrame) -> {
            if (!membership.leaving()) {
                onPing(p, viaFrame ? memberAddress(sender) : from, viaFrame);
            }
        });
        dispatch.onProtocolThreadUrgent(Message.PingReq.class,
                (p, sender, from, viaFrame) -> onPingReq(p, viaFrame ? memberAddress(sender) : from));
        dispatch.onProtocolThreadUrgent(Message.Ack.class, (a, sender, from, viaFrame) -> onAck(a));
        dispatch.onProtocolThreadUrgent(Message.Nack.class, (n, sender, from, viaFrame) -> onNack(n));
    }

    private InetSocketAddress memberAddress(java.util.UUID node) {
        Member m = ctx.table().get(node);
        return m == null ? null : m.snapshot().address();
    }

    /**
     * @param ping     the probe
     * @param replyTo  where the ack goes
     * @param viaFrame whether the probe came on the stream path (the datagram fallback): the ack then
     *                 goes back the same way, since datagrams are what did not get through
     */
    public void onPing(Message.Ping ping, InetSocketAddress replyTo, boolean viaFrame) {
        if (!ping.target().equals(ctx.selfId())) {
            ctx.stats().drop(DropReason.WRONG_TARGET);
            return;
        }
        if (replyTo == null) {
            return;
        }
        if (viaFrame) {
            ctx.outbox().sendFrame(replyTo, new Message.Ack(ping.seq()));
        } else {
            sendWithPiggyback(replyTo, new Message.Ack(ping.seq()));
        }
    }

    /**
     * Probes a target for another member and relays the outcome.
     *
     * @param req       the request
     * @param requester where the ack or nack goes
     */
    public void onPingReq(Message.PingReq req, InetSocketAddress requester) {
        if (requester == null || stopped) {
            return;
        }
        int seq = nextSeq++;
        Probe p = new Probe();
        p.relay = () -> ctx.outbox().send(requester, new Message.Ack(req.seq()));
        pending.put(seq, p);
        ctx.outbox().send(req.targetAddress(), new Message.Ping(seq, req.target()));
        long timeout = awareness.scale(ctx.config().probeTimeout().toNanos());
        ctx.scheduler().schedule(() -> {
            if (!p.acked && req.wantNack()) {
                ctx.outbox().send(requester, new Message.Nack(req.seq()));
            }
        }, timeout);
        ctx.scheduler().schedule(() -> pending.remove(seq), 2 * timeout);
    }

    /** @param ack an ack for one of this node's probes */
    public void onAck(Message.Ack ack) {
        Probe p = pending.get(ack.seq());
        if (p != null && !p.acked) {
            p.acked = true;
            if (p.relay != null) {
                p.relay.run();
            } else if (p.target != null) {
                ctx.stats().probeRoundTrip(p.target, ctx.now() - p.sentNanos);
            }
        }
    }

    /** @param nack a nack for one of this node's indirect probes */
    public void onNack(Message.Nack nack) {
        Probe p = pending.get(nack.seq());
        if (p != null) {
            p.nacks++;
        }
    }
}
