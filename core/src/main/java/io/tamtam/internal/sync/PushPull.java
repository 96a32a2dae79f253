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
    private record Pending(CompletableFuture<MemberInfo> future, boolean join, InetSocketAddress to) {
    }

    private final Map<Integer, Pending> pending = new HashMap<>();
    /** Joins not yet done, failed when the node stops. */
    private final java.util.Set<CompletableFuture<MemberInfo>> joining = new java.util.HashSet<>();
    private int nextRequest;
    private boolean stopped;
    private long lastPeriodic;
    /** Most follow-up periods a joiner is followed up for while the membership does not quiet down. */
    static final int FOLLOW_UP_POSTPONES = 40;
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
    /** Joins waiting for this node's answer (joiner, its request id), answered together; see {@link #answerJoins}. */
    private final Map<InetSocketAddress, Integer> joinAnswers = new java.util.LinkedHashMap<>();
    private boolean joinAnswersScheduled;
    /**
     * This node's state as last listed for a join storm ({@link #stormState}), with the member table
     * version and this node's own record it was listed at (a refutation or a metadata change replaces the
     * record without a new version); null when no follow-up runs.
     */
    private List<MemberInfo> state;
    private long stateVersion = -1;
    private Object stateSelf;
    private long pushesEncoded;
    /** One-way pushes received and merged. */
    private long pushesReceived;
    /** {@link #pushesReceived} when the last join exchange began: a seed's follow-up push can come before the join completes. */
    private long pushesBeforeJoin;
    /** Joiners answered since the last follow-up push, with the member table version they were answered at. */
    private final Map<InetSocketAddress, Long> followUpNew = new java.util.LinkedHashMap<>();
    /** Joiners that got the last follow-up push, which listed {@link #followUpState}. */
    private final java.util.Set<InetSocketAddress> followUpPushed = new java.util.LinkedHashSet<>();
    /** Joiners followed up that no push reached yet (their answer was complete when the pushes went). */
    private final java.util.Set<InetSocketAddress> unpushed = new java.util.LinkedHashSet<>();
    private List<MemberInfo> followUpState;
    private boolean followUpScheduled;
    private int followUpPeriods;
    private long lastFollowUp;
    /** Whether joiners wait in {@link #followUpNew} that the last round's byte budget left out. */
    private boolean followUpBacklog;
    /**
     * The states this node answered joins with since its last follow-up round, by member table version
     * (at most {@link #MAX_ANSWERED_STATES}, the oldest forgotten): a joiner answered with one gets the
     * records changed since, not the whole state again.
     */
    private final Map<Long, List<MemberInfo>> answeredStates = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<MemberInfo>> eldest) {
            return size() > MAX_ANSWERED_STATES;
        }
    };
    /** Most answered states kept for the follow-up (each lists every member once; a seed keeps them during a join storm only). */
    static final int MAX_ANSWERED_STATES = 64;
    /** Most joiners followed up at once: a join past it is answered but not followed up, counted as QUEUE_FULL. */
    static final int MAX_FOLLOW_UPS = 65_536;
    /** Most follow-up periods between two pushes while joins keep changing the membership. */
    static final int FOLLOW_UP_MAX_WAIT = 4;
    /**
     * Most bytes of states a seed pushes to joiners in one task (64 MiB): in one round of follow-ups (the
     * joiners beyond it wait for the next round, see {@link #followUp}), and in one task of answers to
     * joins (see {@link #answerJoins}).
     */
    static final long STORM_BYTES = 64L << 20;

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
            if (pp.join()) {
                ctx.outbox().sendFrame(from.address(), new Message.Refuse(pp.requestId(), reason));
            }
            return;
        }
        // Merge first: a refutation of a false DEAD raises this node's incarnation before it answers.
        membership.merge(pp.members(), sender);
        if (pp.join() && joinAnswers.size() < MAX_FOLLOW_UPS) {
            // A joiner's next attempt keeps its place: answers go oldest first (see answerJoins).
            joinAnswers.put(from.address(), pp.requestId());
            if (!joinAnswersScheduled) {
                joinAnswersScheduled = true;
                ctx.scheduler().execute(this::answerJoins);
            }
        } else {
            ctx.outbox().sendFrame(from.address(), new Message.PushPull(pp.requestId(), WireFormat.PUSH_PULL_REPLY,
                    membership.localState(), appStates.forWire()));
            if (pp.join()) {
                followUp(from.address(), ctx.table().version());
            }
        }
        if (pp.appState() != null) {
            appStates.received(sender, pp.appState(), pp.join());
        }
    }

    /**
     * Answers the joins merged since this task was queued, behind them on the protocol thread: in a join
     * storm many are merged first, and they all get the state as it is once they are. One joiner gets its
     * REPLY with the whole state. Several get the whole state in one one-way push encoded once for all
     * (request id {@link #JOIN_STATE_REQUEST_ID}), then each its REPLY listing this node's record only,
     * which completes its join once the state before it was merged (one connection keeps the order). Each
     * is then followed up ({@link #followUp}). The pushes of one task stay within {@link #STORM_BYTES}
     * (at least one joiner is answered): the joiners beyond it, the latest, are answered a period
     * ({@code gossipInterval / 2}) later; a joiner's next attempt keeps its place.
     */
    private void answerJoins() {
        joinAnswersScheduled = false;
        if (stopped || membership.leaving()) {
            joinAnswers.clear();
            return;
        }
        List<MemberInfo> members = stormState();
        byte[] app = appStates.forWire();
        long version = ctx.table().version();
        answeredStates.put(version, members);
        List<Map.Entry<InetSocketAddress, Integer>> now = new java.util.ArrayList<>();
        joinAnswers.forEach((a, id) -> now.add(Map.entry(a, id)));
        if (now.size() == 1) {
            ctx.outbox().sendFrame(now.get(0).getKey(), new Message.PushPull(now.get(0).getValue(),
                    WireFormat.PUSH_PULL_REPLY, members, app));
        } else {
            Message.PushPull msg = new Message.PushPull(JOIN_STATE_REQUEST_ID, WireFormat.PUSH_PULL_REPLY, members, null);
            byte[] packet = ctx.outbox().codec().encode(msg);
            int fit = (int) Math.max(1, Math.min(now.size(), STORM_BYTES / packet.length));
            now.subList(fit, now.size()).clear();
            List<InetSocketAddress> to = new java.util.ArrayList<>(fit);
            now.forEach(e -> to.add(e.getKey()));
            sendEncoded(to, msg, packet);
            List<MemberInfo> self = List.of(membership.self().toInfo());
            for (Map.Entry<InetSocketAddress, Integer> e : now) {
                ctx.outbox().sendFrame(e.getKey(), new Message.PushPull(e.getValue(), WireFormat.PUSH_PULL_REPLY, self, app));
            }
        }
        for (Map.Entry<InetSocketAddress, Integer> e : now) {
            followUp(e.getKey(), version);
            joinAnswers.remove(e.getKey());
        }
        if (!joinAnswers.isEmpty()) {
            // The state pushed to the joiners answered now took the budget: the others a period later.
            joinAnswersScheduled = true;
            ctx.scheduler().schedule(this::answerJoins, followUpQuiet());
        }
    }

    /**
     * In a join storm the seed answers the first joiners before it knows the later ones, and gossip
     * alone would take many rounds to tell them. So a seed follows its joiners up with one-way pushes
     * ({@link #pushAll}), batched for all of them: every {@code gossipInterval / 2} while joiners wait,
     * it pushes once the membership has been quiet that long, or anyway once
     * {@link #FOLLOW_UP_MAX_WAIT} such periods passed since its last push. A joiner answered since the
     * last push gets the whole state (unless nothing changed since its answer); a joiner that got the
     * last push gets only the records that changed since it (and the seed's own record). Once a push
     * goes out while the membership is quiet, the joiners are done; they are given up after
     * {@link #FOLLOW_UP_POSTPONES} periods. The pushes are one way: the joiner's state is what the seed
     * merged when it answered.
     *
     * <p>A round sends at most {@link #STORM_BYTES}: a join storm at scale makes a round O(joiners ×
     * records), gigabytes at 10,000 joiners of one seed. The newest joiners are served first; the others
     * wait for the next period (a joiner that misses a round's changes gets the whole state then), and
     * the seed pushes every period while any wait. Those still waiting when the seed gives up are
     * counted as QUEUE_FULL.
     */
    private void followUp(InetSocketAddress joiner, long versionAtReply) {
        if (!followUpNew.containsKey(joiner) && followUpNew.size() + followUpPushed.size() >= MAX_FOLLOW_UPS) {
            ctx.stats().drop(DropReason.QUEUE_FULL);
            return;
        }
        followUpPushed.remove(joiner);
        followUpNew.put(joiner, versionAtReply);
        if (!followUpScheduled) {
            followUpScheduled = true;
            followUpPeriods = 0;
            lastFollowUp = ctx.now();
            ctx.scheduler().schedule(this::flushFollowUps, followUpQuiet());
        }
    }

    private long followUpQuiet() {
        return Math.max(1_000_000L, ctx.config().gossipInterval().toNanos() / 2);
    }

    private void flushFollowUps() {
        followUpScheduled = false;
        if (stopped || membership.leaving()) {
            followUpNew.clear();
            followUpPushed.clear();
            unpushed.clear();
            followUpState = null;
            state = null;
            answeredStates.clear();
            return;
        }
        long quiet = followUpQuiet();
        long version = ctx.table().version();
        boolean quietNow = ctx.now() - ctx.table().lastChangeNanos() >= quiet;
        followUpPeriods++;
        boolean givingUp = followUpPeriods >= FOLLOW_UP_POSTPONES;
        if (quietNow || givingUp || followUpBacklog || ctx.now() - lastFollowUp >= FOLLOW_UP_MAX_WAIT * quiet) {
            lastFollowUp = ctx.now();
            List<MemberInfo> members = stormState();
            byte[] app = appStates.forWire();
            long budget = STORM_BYTES;
            if (!followUpPushed.isEmpty() && followUpState != null && followUpState != members) {
                List<InetSocketAddress> left = new java.util.ArrayList<>();
                budget -= pushWithin(newestFirst(followUpPushed), changedSince(followUpState, members), app, budget, left);
                unpushed.removeAll(followUpPushed);
                for (InetSocketAddress a : left) {
                    // Missed these changes: the whole state in a later round.
                    followUpPushed.remove(a);
                    followUpNew.put(a, -1L);
                }
            }
            // Joiners answered since the last round: the records changed since the state each was answered
            // with, one push per answered state, the newest first; the whole state when that state is not
            // kept (or the joiner missed a round's changes).
            Map<Long, List<InetSocketAddress>> byAnswer = new java.util.LinkedHashMap<>();
            for (Map.Entry<InetSocketAddress, Long> e : followUpNew.entrySet()) {
                if (e.getValue() != version) {
                    long at = answeredStates.containsKey(e.getValue()) ? e.getValue() : -1L;
                    byAnswer.computeIfAbsent(at, k -> new java.util.ArrayList<>()).add(e.getKey());
                } else {
                    unpushed.add(e.getKey());
                }
            }
            List<InetSocketAddress> left = new java.util.ArrayList<>();
            List<Long> answers = new java.util.ArrayList<>(byAnswer.keySet());
            answers.sort(java.util.Comparator.reverseOrder());
            for (long at : answers) {
                List<MemberInfo> records = at == -1L ? members : changedSince(answeredStates.get(at), members);
                budget -= pushWithin(newestFirst(byAnswer.get(at)), records, app, budget, left);
            }
            for (InetSocketAddress a : followUpNew.keySet()) {
                followUpPushed.add(a);
            }
            Map<InetSocketAddress, Long> waiting = new java.util.LinkedHashMap<>();
            for (InetSocketAddress a : left) {
                followUpPushed.remove(a);
                waiting.put(a, followUpNew.get(a));
            }
            followUpNew.clear();
            followUpNew.putAll(waiting);
            followUpBacklog = !waiting.isEmpty();
            followUpState = members;
            if (givingUp || (quietNow && !followUpBacklog)) {
                // Joiners the budget left waiting get nothing more, counted; their exchanges after the join
                // (afterJoin) fill in what they lack when no push reached them.
                for (int i = 0; i < waiting.size(); i++) {
                    ctx.stats().drop(DropReason.QUEUE_FULL);
                }
                // Joiners whose answer listed all this node knows got no push: one listing only this node
                // tells them so, and spares them the exchanges after a join (afterJoin).
                pushAll(unpushed, List.of(membership.self().toInfo()), null);
                unpushed.clear();
                followUpPushed.clear();
                followUpNew.clear();
                followUpBacklog = false;
                followUpState = null;
                state = null;
                answeredStates.clear();
                return;
            }
        }
        followUpScheduled = true;
        ctx.scheduler().schedule(this::flushFollowUps, quiet);
    }

    private static List<InetSocketAddress> newestFirst(java.util.Collection<InetSocketAddress> oldestFirst) {
        List<InetSocketAddress> out = new java.util.ArrayList<>(oldestFirst);
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * Pushes to the first joiners of {@code to} whose pushes fit in {@code budget} bytes, and lists the
     * others in {@code left}.
     *
     * @param to      the joiners, the first served first
     * @param members the records to push
     * @param app     the application state to send, or null
     * @param budget  the most bytes to send
     * @param left    receives the joiners left out
     * @return the bytes sent
     */
    private long pushWithin(List<InetSocketAddress> to, List<MemberInfo> members, byte[] app, long budget,
                            List<InetSocketAddress> left) {
        if (to.isEmpty()) {
            return 0;
        }
        Message.PushPull msg = new Message.PushPull(PUSH_REQUEST_ID, WireFormat.PUSH_PULL_REPLY, members, app);
        byte[] packet = ctx.outbox().codec().encode(msg);
        int fit = (int) Math.min(to.size(), Math.max(0, budget) / packet.length);
        if (fit > 0) {
            sendEncoded(to.subList(0, fit), msg, packet);
        }
        left.addAll(to.subList(fit, to.size()));
        return (long) fit * packet.length;
    }

    /** @return the records of {@code now} that differ from those in {@code before}, this node's first */
    private List<MemberInfo> changedSince(List<MemberInfo> before, List<MemberInfo> now) {
        Map<java.util.UUID, MemberInfo> had = new HashMap<>(before.size() * 2);
        for (MemberInfo mi : before) {
            had.put(mi.id(), mi);
        }
        List<MemberInfo> out = new java.util.ArrayList<>();
        out.add(membership.self().toInfo());
        for (MemberInfo mi : now) {
            if (!mi.id().equals(ctx.selfId()) && !mi.equals(had.get(mi.id()))) {
                out.add(mi);
            }
        }
        return out;
    }

    /**
     * Sends records one way to each address: a REPLY with request id {@link #PUSH_REQUEST_ID}, which
     * its receiver merges and answers with nothing (see {@link #sendEncoded}).
     *
     * @param to      the other nodes
     * @param members the records, this node's own among them
     * @param app     the application state to send, or null
     */
    private void pushAll(java.util.Collection<InetSocketAddress> to, List<MemberInfo> members, byte[] app) {
        pushAll(to, PUSH_REQUEST_ID, members, app);
    }

    /** As {@link #pushAll(java.util.Collection, List, byte[])}, with the request id given. */
    private void pushAll(java.util.Collection<InetSocketAddress> to, int requestId, List<MemberInfo> members, byte[] app) {
        if (to.isEmpty()) {
            return;
        }
        Message.PushPull msg = new Message.PushPull(requestId, WireFormat.PUSH_PULL_REPLY, members, app);
        sendEncoded(to, msg, ctx.outbox().codec().encode(msg));
    }

    /**
     * Sends {@code msg}, encoded as {@code packet}, to each address: the packet itself, or, with
     * encryption, the message sealed for each.
     */
    private void sendEncoded(java.util.Collection<InetSocketAddress> to, Message.PushPull msg, byte[] packet) {
        pushesEncoded++;
        boolean first = true;
        for (InetSocketAddress a : to) {
            if (!ctx.config().encryptionKeys().isEmpty()) {
                ctx.outbox().sendFrame(a, msg);
                continue;
            }
            if (!first) {
                ctx.outbox().codec().countAgain(msg);
            }
            first = false;
            ctx.outbox().sendFramePacket(a, packet);
        }
    }

    /**
     * Sends this node's whole state one way (see {@link #pushAll}).
     *
     * @param to the other node
     */
    void push(InetSocketAddress to) {
        pushAll(List.of(to), membership.localState(), appStates.forWire());
    }

    /** @return one-way pushes encoded (tests: pushes of one state share one encoding) */
    long pushesEncoded() {
        return pushesEncoded;
    }

    /**
     * @return this node's members as records for answers to joins and follow-up pushes: the list is kept
     *         until the follow-ups end, and listed again only when the member table changed
     */
    private List<MemberInfo> stormState() {
        long version = ctx.table().version();
        Object self = membership.self().snapshot();
        if (state == null || stateVersion != version || stateSelf != self) {
            state = membership.localState();
            stateVersion = version;
            stateSelf = self;
        }
        return state;
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
