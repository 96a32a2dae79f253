package io.tamtam.internal.sync;

import io.tamtam.DropReason;
import io.tamtam.internal.Context;
import io.tamtam.internal.membership.Membership;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.WireFormat;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A seed's side of join storms (PROTOCOL.md §13.5): it answers the joins that wait on its protocol thread
 * together ({@link #answerJoins}) and follows its joiners up with one-way pushes of what changed since
 * ({@link #followUp}), within {@link #STORM_BYTES} a task. Protocol thread only.
 */
final class JoinStorm {
    /** Most follow-up periods a joiner is followed up for while the membership does not quiet down. */
    static final int FOLLOW_UP_POSTPONES = 40;
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

    private final Context ctx;
    private final Membership membership;
    private final AppStates appStates;
    private boolean stopped;
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

    /**
     * @param ctx        shared parts
     * @param membership state machine
     * @param appStates  the application state sent with the answers and pushes
     */
    JoinStorm(Context ctx, Membership membership, AppStates appStates) {
        this.ctx = ctx;
        this.membership = membership;
        this.appStates = appStates;
    }

    /** Stops answering and following up: waiting joins and joiners are dropped at their next task. */
    void stop() {
        stopped = true;
    }

    /**
     * Queues a join merged just now for an answer together with the others that wait.
     *
     * @param joiner    the joiner's address
     * @param requestId its attempt's request id
     * @return false when {@link #MAX_FOLLOW_UPS} joins wait already: answer it at once
     */
    boolean answerLater(InetSocketAddress joiner, int requestId) {
        if (joinAnswers.size() >= MAX_FOLLOW_UPS) {
            return false;
        }
        // A joiner's next attempt keeps its place: answers go oldest first (see answerJoins).
        joinAnswers.put(joiner, requestId);
        if (!joinAnswersScheduled) {
            joinAnswersScheduled = true;
            ctx.scheduler().execute(this::answerJoins);
        }
        return true;
    }

    /**
     * Answers the joins merged since this task was queued, behind them on the protocol thread: in a join
     * storm many are merged first, and they all get the state as it is once they are. One joiner gets its
     * REPLY with the whole state. Several get the whole state in one one-way push encoded once for all
     * (request id {@link PushPull#JOIN_STATE_REQUEST_ID}), then each its REPLY listing this node's record only,
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
            Message.PushPull msg = new Message.PushPull(PushPull.JOIN_STATE_REQUEST_ID, WireFormat.PUSH_PULL_REPLY, members, null);
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
     * last push gets the records that changed since the state it was answered with (none if nothing
     * changed; the whole state if that state is no longer kept); a joiner that got the last push gets
     * only the records that changed since it. Each push lists the seed's own record too. Once a push
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
    void followUp(InetSocketAddress joiner, long versionAtReply) {
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
                if (budget <= 0) {
                    // spent: no state to list or encode for the joiners that wait
                    left.addAll(newestFirst(byAnswer.get(at)));
                    continue;
                }
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
                // (PushPull.afterJoin) fill in what they lack when no push reached them.
                for (int i = 0; i < waiting.size(); i++) {
                    ctx.stats().drop(DropReason.QUEUE_FULL);
                }
                // Joiners whose answer listed all this node knows got no push: one listing only this node
                // tells them so, and spares them the exchanges after a join (PushPull.afterJoin).
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
        if (to.isEmpty() || budget <= 0) {
            left.addAll(to);
            return 0;
        }
        Message.PushPull msg = new Message.PushPull(PushPull.PUSH_REQUEST_ID, WireFormat.PUSH_PULL_REPLY, members, app);
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
     * Sends records one way to each address: a REPLY with request id {@link PushPull#PUSH_REQUEST_ID}, which
     * its receiver merges and answers with nothing (see {@link #sendEncoded}).
     *
     * @param to      the other nodes
     * @param members the records, this node's own among them
     * @param app     the application state to send, or null
     */
    void pushAll(java.util.Collection<InetSocketAddress> to, List<MemberInfo> members, byte[] app) {
        pushAll(to, PushPull.PUSH_REQUEST_ID, members, app);
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
}
