package io.tamtam.internal.sync;

import io.tamtam.DropReason;
import io.tamtam.TamTamException;
import io.tamtam.internal.Context;
import io.tamtam.internal.Dispatch;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.membership.Membership;
import io.tamtam.internal.runtime.TokenBucket;
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
    private record Pending(CompletableFuture<MemberInfo> future, boolean join, InetSocketAddress to) {
    }

    private final Map<Integer, Pending> pending = new HashMap<>();
    /** Joins not yet done, failed when the node stops. */
    private final java.util.Set<CompletableFuture<MemberInfo>> joining = new java.util.HashSet<>();
    private int nextRequest;
    private boolean stopped;
    private long lastPeriodic;
    /** Most exchanges a join makes with one seed. */
    static final int JOIN_ATTEMPTS = 3;
    /** The request id of a one-way push: a reply no exchange waits for, merged by its receiver. */
    static final int PUSH_REQUEST_ID = 0;
    /**
     * The request id of the one-way push that carries a seed's state to a batch of joiners, each of which
     * then gets its REPLY with the seed's record only: merged like a push, but it does not complete a
     * join attempt (the REPLY, right behind it on the same connection, does).
     */
    static final int JOIN_STATE_REQUEST_ID = -1;
    /** One-way pushes received and merged. */
    private long pushesReceived;
    /** {@link #pushesReceived} when the last join exchange began: a seed's follow-up push can come before the join completes. */
    private long pushesBeforeJoin;
    /** The seed's side of join storms: answers and follow-ups. */
    private final JoinStorm storm;
    /**
     * Requests other than joins answered at most in a burst, and per {@code pushPullInterval} after it
     * (a node gets about one a period from the periodic exchanges, and two from each node that joined
     * lately): each answer encodes the whole state on the protocol thread, so requests past it are
     * merged but not answered, and counted as QUEUE_FULL.
     */
    static final int ANSWER_BURST = 16;
    private final TokenBucket answers;
    /**
     * REFUSE frames sent to joiners of incompatible versions, at most in a burst and per second: each goes to
     * the address the join names, so past it a refusal is not sent (the join is counted all the same).
     */
    static final int REFUSE_BURST = 16;
    private final TokenBucket refusals;

    /**
     * @param ctx        shared parts
     * @param membership state machine
     * @param appStates  the application state sent and received with each exchange
     */
    public PushPull(Context ctx, Membership membership, AppStates appStates) {
        this.ctx = ctx;
        this.membership = membership;
        this.appStates = appStates;
        this.storm = new JoinStorm(ctx, membership, appStates);
        this.nextRequest = ctx.random().nextInt();
        this.answers = new TokenBucket(ANSWER_BURST, ctx.config().pushPullInterval().toNanos(), ctx.now());
        this.refusals = new TokenBucket(REFUSE_BURST, 1_000_000_000L, ctx.now());
    }

    /** Starts the periodic exchange. */
    public void start() {
        lastPeriodic = ctx.now();
        schedule();
    }

    /** Stops exchanges; pending ones fail. */
    public void stop() {
        stopped = true;
        storm.stop();
        for (Pending p : pending.values()) {
            p.future().completeExceptionally(new TamTamException("the cluster node is closed"));
        }
        pending.clear();
        // Joins waiting to try their seed again.
        for (CompletableFuture<MemberInfo> j : List.copyOf(joining)) {
            j.completeExceptionally(new TamTamException("the cluster node is closed"));
        }
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
     * After a join, two exchanges with random members, 2 and 8 probe intervals (plus up to one of jitter)
     * later, fill in what neither the seed's answer nor its follow-up push told this node (a follow-up
     * lost, a seed that left, or, after a partition healed, the side the rejoined member had not heard
     * of: with the 8-interval exchange alone, a 5/5 partition that outlasted the reap merged only after
     * 6 virtual seconds, with both, in 1.8), and tell others what this node knew that its seed did not
     * (other seeds' members, members from before a partition).
     *
     * @param alone whether this node knew no other member and joined through one seed: then it has
     *              nothing to tell, and a one-way push that reached it since its join exchange began
     *              (the seed's follow-up) spares it the exchanges
     */
    public void afterJoin(boolean alone) {
        long interval = ctx.config().probeInterval().toNanos();
        long pushesAtJoin = alone ? pushesBeforeJoin : Long.MAX_VALUE;
        for (long delay : new long[] {2 * interval, 8 * interval}) {
            ctx.scheduler().schedule(() -> {
                if (stopped || membership.leaving() || pushesReceived > pushesAtJoin) {
                    // A seed's follow-up push came after the join: it listed what the seed learned of the
                    // join storm, so an exchange with a random member (a whole state each way) is not needed.
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
     * Joins through one seed: an exchange with JOIN, made again when it times out or its frame cannot be
     * sent (a seed swamped by a join storm answers late or accepts no more connections for a while), up
     * to {@link #JOIN_ATTEMPTS} attempts, the second a probe interval after the first failed and each
     * later one after twice the wait before, jittered by up to a quarter. A refusal is not retried.
     *
     * @param seed the seed
     * @return completes with the seed as it described itself; fails with the last attempt's reason
     */
    public CompletableFuture<MemberInfo> join(InetSocketAddress seed) {
        CompletableFuture<MemberInfo> result = new CompletableFuture<>();
        joining.add(result);
        result.whenComplete((info, err) -> joining.remove(result));
        joinAttempt(seed, 1, ctx.config().probeInterval().toNanos(), result);
        return result;
    }

    private void joinAttempt(InetSocketAddress seed, int attempt, long wait, CompletableFuture<MemberInfo> result) {
        exchange(seed, true).whenComplete((info, err) -> {
            if (err == null) {
                result.complete(info);
                return;
            }
            Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                    ? err.getCause() : err;
            boolean retry = cause instanceof TimeoutException || cause instanceof io.tamtam.DeliveryException;
            if (!retry || attempt >= JOIN_ATTEMPTS || stopped) {
                result.completeExceptionally(err);
                return;
            }
            ctx.scheduler().schedule(() -> {
                if (stopped) {
                    result.completeExceptionally(err);
                } else {
                    joinAttempt(seed, attempt + 1, 2 * wait, result);
                }
            }, wait - (long) (ctx.random().nextDouble() * wait / 4));
        });
    }

    /**
     * Sends this node's state and merges the reply.
     *
     * @param to   the other node
     * @param join whether this is a join (the other node checks versions and may refuse)
     * @return completes with the other node as it described itself; fails with the reason
     */
    public CompletableFuture<MemberInfo> exchange(InetSocketAddress to, boolean join) {
        if (join) {
            pushesBeforeJoin = pushesReceived;
        }
        int id = nextRequest++;
        while (id == PUSH_REQUEST_ID || id == JOIN_STATE_REQUEST_ID) {
            id = nextRequest++;
        }
        CompletableFuture<MemberInfo> f = new CompletableFuture<>();
        if (stopped) {
            f.completeExceptionally(new TamTamException("the cluster node is closed"));
            return f;
        }
        pending.put(id, new Pending(f, join, to));
        Message.PushPull msg = new Message.PushPull(id, join ? WireFormat.PUSH_PULL_JOIN : 0, membership.localState(),
                appStates.forWire());
        int sent = id;
        ctx.outbox().sendFrame(to, msg).whenComplete((v, err) -> {
            if (err != null) {
                ctx.scheduler().execute(() -> {
                    Pending p = pending.remove(sent);
                    if (p != null) {
                        p.future().completeExceptionally(err);
                    }
                });
            }
        });
        ctx.scheduler().schedule(() -> {
            Pending p = pending.remove(sent);
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
            if (p == null && pp.requestId() != JOIN_STATE_REQUEST_ID) {
                p = joinAnsweredLate(from);
            }
            String reason = membership.incompatibility(from);
            if (reason != null) {
                ctx.stats().drop(DropReason.INCOMPATIBLE_VERSION);
                if (p != null) {
                    p.future().completeExceptionally(new TamTamException(reason));
                }
                return;
            }
            membership.merge(pp.members(), sender);
            if (pp.requestId() == PUSH_REQUEST_ID) {
                pushesReceived++;
            }
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
            if (pp.join() && refusals.tryTake(ctx.now())) {
                ctx.outbox().sendFrame(from.address(), new Message.Refuse(pp.requestId(), reason));
            }
            return;
        }
        // Merge first: a refutation of a false DEAD raises this node's incarnation before it answers.
        membership.merge(pp.members(), sender);
        if (pp.join() ? !storm.answerLater(from.address(), pp.requestId()) : mayAnswer()) {
            ctx.outbox().sendFrame(from.address(), new Message.PushPull(pp.requestId(), WireFormat.PUSH_PULL_REPLY,
                    membership.localState(), appStates.forWire()));
            if (pp.join()) {
                storm.followUp(from.address(), ctx.table().version());
            }
        }
        if (pp.appState() != null) {
            appStates.received(sender, pp.appState(), pp.join());
        }
    }

    /** @return whether a request other than a join may be answered now (see {@link #ANSWER_BURST}); counts it if not */
    private boolean mayAnswer() {
        if (answers.tryTake(ctx.now())) {
            return true;
        }
        ctx.stats().drop(DropReason.QUEUE_FULL);
        return false;
    }

    /**
     * Sends this node's whole state one way (a one-way push, see {@link JoinStorm#pushAll}).
     *
     * @param to the other node
     */
    void push(InetSocketAddress to) {
        storm.pushAll(List.of(to), membership.localState(), appStates.forWire());
    }

    /**
     * A seed swamped by a join storm answers late: its reply to an attempt that timed out, or its
     * follow-up push (which it sends only to joiners it merged), completes the join attempt still
     * waiting for that seed, which is then not needed.
     *
     * @param from the answering node's own record
     * @return the pending join to that node's address, removed; null when there is none
     */
    private Pending joinAnsweredLate(MemberInfo from) {
        for (java.util.Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.join() && p.to().equals(from.address())) {
                it.remove();
                return p;
            }
        }
        return null;
    }

    /** @param refuse the other node refused this node's join */
    public void onRefuse(Message.Refuse refuse) {
        Pending p = pending.remove(refuse.requestId());
        if (p != null) {
            p.future().completeExceptionally(new TamTamException("join refused: " + refuse.reason()));
        }
    }
}
