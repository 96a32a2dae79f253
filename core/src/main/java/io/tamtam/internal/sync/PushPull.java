package io.tamtam.internal.sync;

import io.tamtam.DropReason;
import io.tamtam.TamTamException;
import io.tamtam.internal.Context;
import io.tamtam.internal.Dispatch;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.membership.Membership;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.WireFormat;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Push-pull anti-entropy: a full state exchange over the stream path at join, periodically with a random
 * member, and with dead members' addresses so that a healed partition merges again. A state is O(N)
 * bytes, so beyond 32 members the periodic interval grows linearly with N: the bytes each node sends
 * per second stay flat as the cluster grows, and the cluster as a whole still runs about
 * {@code 32 / pushPullInterval} exchanges per second. Reconnection runs on the unscaled interval and only
 * while there are dead members. Every exchange, in both directions, carries the application state last
 * published through {@link AppStates}, and hands the other node's state to it. Protocol thread only.
 */
public final class PushPull {
    private final Context ctx;
    private final Membership membership;
    private final AppStates appStates;
    /** An exchange this node started, waiting for its reply. */
    private record Pending(CompletableFuture<MemberInfo> future, boolean join) {
    }

    private final Map<Integer, Pending> pending = new HashMap<>();
    private int nextRequest;
    private boolean stopped;
    private long lastPeriodic;
    /** Most times a join follow-up waits for the membership to quiet down. */
    private static final int FOLLOW_UP_POSTPONES = 10;

    /**
     * @param ctx        shared parts
     * @param membership state machine
     * @param appStates  the application state sent and received with each exchange
     */
    public PushPull(Context ctx, Membership membership, AppStates appStates) {
        this.ctx = ctx;
        this.membership = membership;
        this.appStates = appStates;
        this.nextRequest = ctx.random().nextInt();
    }

    /** Starts the periodic exchange. */
    public void start() {
        lastPeriodic = ctx.now();
        schedule();
    }

    /** Stops exchanges; pending ones fail. */
    public void stop() {
        stopped = true;
        for (Pending p : pending.values()) {
            p.future().completeExceptionally(new TamTamException("the cluster node is closed"));
        }
        pending.clear();
    }

    /**
     * @param n live members
     * @return the interval multiplier: 1 up to 32 members, then N / 32
     */
    public static double scale(int n) {
        return n <= 32 ? 1.0 : n / 32.0;
    }

    private void schedule() {
        long base = (long) (ctx.config().pushPullInterval().toNanos() * scale(ctx.table().liveCount()));
        ctx.scheduler().schedule(this::periodic, jittered(base));
        ctx.scheduler().schedule(this::reconnect, jittered(ctx.config().pushPullInterval().toNanos()));
    }

    /** @return a delay drawn from [base/2, 3*base/2), so that nodes started together do not act in step */
    private long jittered(long base) {
        return base / 2 + (long) (ctx.random().nextDouble() * base);
    }

    private void periodic() {
        if (stopped || membership.leaving()) {
            return;
        }
        long base = (long) (ctx.config().pushPullInterval().toNanos() * scale(ctx.table().liveCount()));
        long since = ctx.now() - lastPeriodic;
        if (since < base / 2) {
            // The cluster grew since this exchange was scheduled: wait out the longer interval.
            ctx.scheduler().schedule(this::periodic, base / 2 - since + (long) (ctx.random().nextDouble() * base));
            return;
        }
        lastPeriodic = ctx.now();
        List<Member> peers = ctx.table().random(1, m -> m.isLive() && !m.id().equals(ctx.selfId()) && ctx.table().reaches(m));
        if (!peers.isEmpty()) {
            exchange(peers.get(0).snapshot().address(), false);
        }
        ctx.scheduler().schedule(this::periodic, jittered(base));
    }

    private void reconnect() {
        if (stopped || membership.leaving()) {
            return;
        }
        InetSocketAddress lost = membership.reconnectCandidate();
        if (lost != null) {
            exchange(lost, false).thenAccept(info -> membership.reconnected(lost));
        }
        ctx.scheduler().schedule(this::reconnect, jittered(ctx.config().pushPullInterval().toNanos()));
    }

    /**
     * After a join, two early exchanges with random members fill in what the seed did not know yet:
     * in a join storm, nodes that joined early would otherwise learn of later ones only by gossip.
     * They run after 2 and 8 probe intervals.
     */
    public void afterJoin() {
        long interval = ctx.config().probeInterval().toNanos();
        for (long delay : new long[] {2 * interval, 8 * interval}) {
            ctx.scheduler().schedule(() -> {
                if (stopped || membership.leaving()) {
                    return;
                }
                List<Member> peers = ctx.table().random(1, m -> m.isLive() && !m.id().equals(ctx.selfId()) && ctx.table().reaches(m));
                if (!peers.isEmpty()) {
                    exchange(peers.get(0).snapshot().address(), false);
                }
            }, delay + (long) (ctx.random().nextDouble() * interval));
        }
    }

    /**
     * Sends this node's state and merges the reply.
     *
     * @param to   the other node
     * @param join whether this is a join (the other node checks versions and may refuse)
     * @return completes with the other node as it described itself; fails with the reason
     */
    public CompletableFuture<MemberInfo> exchange(InetSocketAddress to, boolean join) {
        int id = nextRequest++;
        CompletableFuture<MemberInfo> f = new CompletableFuture<>();
        if (stopped) {
            f.completeExceptionally(new TamTamException("the cluster node is closed"));
            return f;
        }
        pending.put(id, new Pending(f, join));
        Message.PushPull msg = new Message.PushPull(id, join ? WireFormat.PUSH_PULL_JOIN : 0, membership.localState(),
                appStates.forWire());
        ctx.outbox().sendFrame(to, msg).whenComplete((v, err) -> {
            if (err != null) {
                ctx.scheduler().execute(() -> {
                    Pending p = pending.remove(id);
                    if (p != null) {
                        p.future().completeExceptionally(err);
                    }
                });
            }
        });
        ctx.scheduler().schedule(() -> {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future().completeExceptionally(new TimeoutException("no answer from " + to + " within " + ctx.config().joinTimeout()
                        + (ctx.config().encryptionKeys().isEmpty() ? "" : "; this node encrypts with its keys, and a node"
                        + " that holds none of them drops its packets unanswered: check that the keys match")
                        + (ctx.config().clusterLabel().isEmpty() ? "" : "; this node's packets carry the cluster label \""
                        + ctx.config().clusterLabel() + "\", and a node of another label drops them unanswered")));
            }
        }, ctx.config().joinTimeout().toNanos());
        return f;
    }

    /**
     * Registers the kinds this part owns: PUSH-PULL and REFUSE, on the protocol thread.
     *
     * @param dispatch the node's dispatch table
     */
    public void register(Dispatch dispatch) {
        dispatch.onProtocolThread(Message.PushPull.class, (p, sender, from, viaFrame) -> onPushPull(p, sender));
        dispatch.onProtocolThread(Message.Refuse.class, (r, sender, from, viaFrame) -> onRefuse(r));
    }

    /**
     * @param pp     a push-pull request or reply
     * @param sender the sending node's id
     */
    public void onPushPull(Message.PushPull pp, UUID sender) {
        MemberInfo from = null;
        for (MemberInfo mi : pp.members()) {
            if (mi.id().equals(sender)) {
                from = mi;
                break;
            }
        }
        if (from == null) {
            ctx.stats().drop(DropReason.MALFORMED);
            return;
        }
        if (pp.reply()) {
            Pending p = pending.remove(pp.requestId());
            String reason = membership.incompatibility(from);
            if (reason != null) {
                ctx.stats().drop(DropReason.INCOMPATIBLE_VERSION);
                if (p != null) {
                    p.future().completeExceptionally(new TamTamException(reason));
                }
                return;
            }
            membership.merge(pp.members(), sender);
            if (pp.appState() != null) {
                appStates.received(sender, pp.appState(), p != null && p.join());
            }
            if (p != null) {
                p.future().complete(from);
            }
            return;
        }
        if (stopped || membership.leaving()) {
            return;
        }
        String reason = membership.incompatibility(from);
        if (reason != null) {
            ctx.stats().drop(DropReason.INCOMPATIBLE_VERSION);
            if (pp.join()) {
                ctx.outbox().sendFrame(from.address(), new Message.Refuse(pp.requestId(), reason));
            }
            return;
        }
        // Merge first: a refutation of a false DEAD raises this node's incarnation before it answers.
        membership.merge(pp.members(), sender);
        ctx.outbox().sendFrame(from.address(), new Message.PushPull(pp.requestId(), WireFormat.PUSH_PULL_REPLY,
                membership.localState(), appStates.forWire()));
        if (pp.appState() != null) {
            appStates.received(sender, pp.appState(), pp.join());
        }
        if (pp.join()) {
            followUp(from.address(), ctx.table().version());
        }
    }

    /**
     * In a join storm the seed answers the first joiners before it knows the later ones, and gossip
     * alone would take several rounds to tell them (most members it reaches already know). So a seed
     * sends its state once more to each joiner once its membership has been quiet for half a gossip
     * interval (the storm is over; at most {@link #FOLLOW_UP_POSTPONES} postponements), if it changed
     * since the seed answered.
     */
    private void followUp(InetSocketAddress joiner, long versionAtReply) {
        long quiet = Math.max(1_000_000L, ctx.config().gossipInterval().toNanos() / 2);
        followUp(joiner, versionAtReply, quiet, FOLLOW_UP_POSTPONES);
    }

    private void followUp(InetSocketAddress joiner, long versionAtReply, long quiet, int postpones) {
        ctx.scheduler().schedule(() -> {
            if (stopped || membership.leaving() || ctx.table().version() == versionAtReply) {
                return;
            }
            long sinceChange = ctx.now() - ctx.table().lastChangeNanos();
            if (sinceChange < quiet && postpones > 0) {
                followUp(joiner, versionAtReply, quiet, postpones - 1);
                return;
            }
            exchange(joiner, false);
        }, quiet);
    }

    /** @param refuse the other node refused this node's join */
    public void onRefuse(Message.Refuse refuse) {
        Pending p = pending.remove(refuse.requestId());
        if (p != null) {
            p.future().completeExceptionally(new TamTamException("join refused: " + refuse.reason()));
        }
    }
}
