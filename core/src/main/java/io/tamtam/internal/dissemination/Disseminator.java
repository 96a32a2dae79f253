package io.tamtam.internal.dissemination;

import io.tamtam.internal.Context;
import io.tamtam.internal.Outbox;
import io.tamtam.internal.membership.LiveMembers;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireFormat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Spreads membership changes and user broadcasts. Every item is queued for piggybacking on probes and
 * on periodic gossip to random members, up to {@code retransmitMultiplier * ceil(log10(N + 1))}
 * times. A fresh membership item is also pushed at once to a few random members, and again to a few
 * others a tenth of a gossip interval later (eager push in two waves), so that it reaches N nodes in
 * about log(N) network round trips. A user broadcast is pushed, by its origin and by each member when
 * it first gets it, down a tree of fanout {@link #TREE_FANOUT} that every member derives from the
 * broadcast's id and its view (about N datagrams, log_4(N) hops), and to {@link #TREE_EXTRA} random
 * member. Protocol thread only.
 */
public final class Disseminator {
    private final Context ctx;
    private final BroadcastQueue queue;
    /** This node's {@link LiveMembers#key}, for finding it in a broadcast's tree. */
    private final long selfKey;
    private final List<byte[]> fresh = new ArrayList<>();
    private boolean flushScheduled;
    private boolean stopped;

    /** @param ctx the node's shared parts */
    public Disseminator(Context ctx) {
        this.ctx = ctx;
        this.queue = new BroadcastQueue(ctx.config().broadcastQueueCapacity());
        this.selfKey = LiveMembers.key(ctx.selfId());
    }

    /** @return the queue (counters, tests) */
    public BroadcastQueue queue() {
        return queue;
    }

    /** @return how many times an item is piggybacked before it is retired */
    public int transmitLimit() {
        return transmitLimit(ctx.config().retransmitMultiplier(), ctx.table().liveCount());
    }

    /**
     * @param multiplier the retransmit multiplier
     * @param n          live members
     * @return {@code multiplier * ceil(log10(n + 1))}
     */
    public static int transmitLimit(int multiplier, int n) {
        return multiplier * (int) Math.ceil(Math.log10(n + 1.0));
    }

    /** Most membership items {@link #shared} holds; when full it starts over. */
    static final int MAX_SHARED = 65_536;
    /** Longest membership item {@link #shared} holds, so that it holds at most 32 MiB. */
    static final int MAX_SHARED_BYTES = 512;
    private static final ConcurrentHashMap<UUID, byte[]> SHARED = new ConcurrentHashMap<>();

    /**
     * The nodes of one JVM (the simulator, many nodes on a host) queue the same news about a member, byte
     * for byte, once each: they share one copy of the latest item about each member. Items are never
     * written once encoded.
     *
     * @param member the member the item is about
     * @param item   its encoding
     * @return an equal item another node queued, or {@code item}, which is then the one shared
     */
    static byte[] shared(UUID member, byte[] item) {
        if (item.length > MAX_SHARED_BYTES) {
            return item;
        }
        byte[] had = SHARED.get(member);
        if (had != null && java.util.Arrays.equals(had, item)) {
            return had;
        }
        if (had == null && SHARED.size() >= MAX_SHARED) {
            SHARED.clear();
        }
        SHARED.put(member, item);
        return item;
    }

    /**
     * Queues a message for dissemination.
     *
     * @param key    what it is about; replaces a queued item with the same key
     * @param m      the message
     * @param eager  whether to push it at once to a few members too
     * @param onDone run when the item is retired, or null
     */
    public void enqueue(Object key, Message m, boolean eager, Runnable onDone) {
        offer(key, m, eager, onDone, true);
    }

    /**
     * Part of each item's transmit limit that hearing it again from another node counts for: news a node
     * hears back from {@value #HEARD_AGAIN_RETIRES} nodes that already had it has spread, and is retired
     * even if this node sent it fewer times. In a join storm every node queues each joiner's ALIVE; most
     * copies it then receives are news it has, and counting them keeps the queues short.
     */
    static final int HEARD_AGAIN_RETIRES = 4;

    /**
     * Counts a membership message heard again, unchanged, from another node (see
     * {@link #HEARD_AGAIN_RETIRES}).
     *
     * @param member the member it is about
     * @param type   its message type
     */
    public void heardAgain(UUID member, int type) {
        int limit = transmitLimit();
        queue.heard(member, type, Math.max(1, (limit + HEARD_AGAIN_RETIRES - 1) / HEARD_AGAIN_RETIRES), limit);
    }

    /**
     * Queues a broadcast with a lifetime unless the queue is full of items not yet sent, and pushes it
     * to random members as a membership item is.
     *
     * @param key the broadcast's id
     * @param m   the message
     * @return false when refused (the caller reports it)
     */
    public boolean offerBroadcast(Object key, Message m) {
        return offer(key, m, true, null, false);
    }

    /** Children per node in a user broadcast's dissemination tree. */
    static final int TREE_FANOUT = 4;
    /** Random members a user broadcast is pushed to besides its tree children, for views that disagree. */
    static final int TREE_EXTRA = 1;

    /**
     * Queues a user broadcast, originated here or received for the first time, and pushes it at once
     * down its dissemination tree (see
     * {@link #treeChildren(List, Function, UUID, UUID, long, int)}) and to {@link #TREE_EXTRA} random member.
     *
     * @param key the broadcast's id
     * @param b   the broadcast
     * @return false when refused because the queue is full of items not yet sent
     */
    public boolean offerUserBroadcast(Object key, Message.Broadcast b) {
        byte[] item = PacketCodec.item(b);
        if (!queue.add(key, item, null, false)) {
            return false;
        }
        if (ctx.config().eagerPushFanout() <= 0 || stopped) {
            return true;
        }
        List<byte[]> items = List.of(item);
        List<Member> children = treeChildren(b.origin(), b.seq(), TREE_FANOUT);
        for (Member t : children) {
            if (isPeer(t)) {
                sendAll(t, items);
            }
        }
        for (Member t : ctx.table().random(TREE_EXTRA, m -> isPeer(m) && !m.id().equals(b.origin()) && !children.contains(m))) {
            sendAll(t, items);
        }
        return true;
    }

    /** @return this node's children in the tree of the broadcast (origin, seq), among its live members */
    private List<Member> treeChildren(UUID origin, long seq, int k) {
        LiveMembers live = ctx.table().live();
        int[] at = treeChildren(live.keys(), live.size(), selfKey, origin.equals(ctx.selfId()),
                LiveMembers.key(origin), treeSeed(origin, seq), k);
        List<Member> out = new ArrayList<>(at.length);
        for (int i : at) {
            out.add(live.member(i));
        }
        return out;
    }

    /**
     * The members a node pushes a broadcast to in the broadcast's tree. The members other than the
     * origin are ranked by a hash of the broadcast's id and their own; the origin sends to ranks 0 to
     * k - 1 and the member of rank i to ranks k(i + 1) to k(i + 1) + k - 1. Nodes whose views agree
     * compute the same tree, so that each member is pushed to once, in about log_k(N) hops.
     *
     * @param members the live members other than the origin (this node among them unless it is the origin)
     * @param id      a member's id
     * @param self    this node
     * @param origin  the broadcast's origin
     * @param seq     its sequence
     * @param k       children per node
     * @param <T>     the member type
     * @return this node's children; none when it is neither the origin nor among {@code members}
     */
    static <T> List<T> treeChildren(List<T> members, Function<T, UUID> id, UUID self, UUID origin, long seq, int k) {
        long[] keys = new long[members.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = LiveMembers.key(id.apply(members.get(i)));
        }
        List<T> out = new ArrayList<>(k);
        for (int i : treeChildren(keys, keys.length, LiveMembers.key(self), origin.equals(self),
                LiveMembers.key(origin), treeSeed(origin, seq), k)) {
            out.add(members.get(i));
        }
        return out;
    }

    private static long treeSeed(UUID origin, long seq) {
        return LiveMembers.mix(LiveMembers.mix(origin.getMostSignificantBits() ^ seq) ^ origin.getLeastSignificantBits());
    }

    private static final int[] NONE = new int[0];
    /** Scratch space of the tree's ranking, per protocol thread: hashes, then their sorted copy. */
    private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> new long[64]);

    /**
     * {@link #treeChildren(List, Function, UUID, UUID, long, int)} over members' {@link LiveMembers#key keys}:
     * a member's rank is that of {@code mix(seed ^ key)}. A leaf (most nodes) learns it is one by counting
     * the members ranked before it, without allocating; a node with children sorts the hashes in scratch
     * space.
     *
     * @param keys         the members' keys at 0 to n - 1; the origin's, when among them, is skipped
     * @param n            how many
     * @param selfKey      this node's key
     * @param selfIsOrigin whether this node is the origin
     * @param originKey    the origin's key
     * @param seed         the broadcast's seed
     * @param k            children per node
     * @return indexes into {@code keys} of this node's children
     */
    private static int[] treeChildren(long[] keys, int n, long selfKey, boolean selfIsOrigin, long originKey,
                                      long seed, int k) {
        int m = 0;
        boolean found = selfIsOrigin;
        for (int i = 0; i < n; i++) {
            long key = keys[i];
            if (key != originKey) {
                m++;
                found |= key == selfKey;
            }
        }
        if (!found) {
            return NONE;
        }
        long first = 0;
        if (!selfIsOrigin) {
            long mine = LiveMembers.mix(seed ^ selfKey);
            int before = 0;
            for (int i = 0; i < n; i++) {
                if (keys[i] != originKey && LiveMembers.mix(seed ^ keys[i]) < mine) {
                    before++;
                }
            }
            first = (long) k * (before + 1);
        }
        if (first >= m) {
            return NONE;
        }
        long[] scratch = SCRATCH.get();
        if (scratch.length < m) {
            scratch = new long[Math.max(m, 2 * scratch.length)];
            SCRATCH.set(scratch);
        }
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (keys[i] != originKey) {
                scratch[c++] = LiveMembers.mix(seed ^ keys[i]);
            }
        }
        Arrays.sort(scratch, 0, m);
        long lo = scratch[(int) first];
        long hi = scratch[(int) Math.min(m - 1, first + k - 1)];
        int[] out = new int[(int) Math.min(k, m - first)];
        c = 0;
        for (int i = 0; i < n && c < out.length; i++) {
            if (keys[i] != originKey) {
                long h = LiveMembers.mix(seed ^ keys[i]);
                if (h >= lo && h <= hi) {
                    out[c++] = i;
                }
            }
        }
        return c == out.length ? out : Arrays.copyOf(out, c);
    }

    private boolean offer(Object key, Message m, boolean eager, Runnable onDone, boolean evictUnsent) {
        byte[] item = PacketCodec.item(m);
        if (key instanceof UUID member && (m instanceof Message.Alive || m instanceof Message.Suspect || m instanceof Message.Dead)) {
            item = shared(member, item);
        }
        if (!queue.add(key, item, onDone, evictUnsent)) {
            return false;
        }
        if (eager && ctx.config().eagerPushFanout() > 0) {
            fresh.add(item);
            if (!flushScheduled) {
                flushScheduled = true;
                ctx.scheduler().execute(this::flushFresh);
            }
        }
        return true;
    }

    private void flushFresh() {
        flushScheduled = false;
        if (fresh.isEmpty() || stopped) {
            fresh.clear();
            return;
        }
        List<byte[]> items = new ArrayList<>(fresh);
        fresh.clear();
        List<Member> first = ctx.table().random(ctx.config().eagerPushFanout(), this::isPeer);
        for (Member t : first) {
            sendAll(t, items);
        }
        // A second wave to other members shortly after: with one wave of fanout f about e^-f of the
        // nodes are never pushed to and wait for a gossip round; two waves make that e^-2f.
        ctx.scheduler().schedule(() -> {
            if (stopped) {
                return;
            }
            for (Member t : ctx.table().random(ctx.config().eagerPushFanout(), m -> isPeer(m) && !first.contains(m))) {
                sendAll(t, items);
            }
        }, Math.max(1_000_000L, ctx.config().gossipInterval().toNanos() / 10));
    }

    private boolean isPeer(Member m) {
        return m.isLive() && !m.id().equals(ctx.selfId()) && ctx.table().reaches(m);
    }

    private void sendAll(Member target, List<byte[]> items) {
        sendAll(ctx, target, items);
    }

    /**
     * Sends items to one member in as few datagrams as they fit (a larger item alone, by frame).
     *
     * @param ctx    shared parts
     * @param target the member
     * @param items  encoded messages
     */
    static void sendAll(Context ctx, Member target, List<byte[]> items) {
        Outbox out = ctx.outbox();
        int budget = out.datagramBudget();
        int per = Outbox.perItemOverhead();
        List<byte[]> batch = new ArrayList<>();
        int used = 0;
        for (byte[] it : items) {
            int need = it.length + per;
            if (need > budget) {
                out.sendItems(target.snapshot().address(), List.of(it));
                continue;
            }
            if (used + need > budget || batch.size() == WireFormat.COMPOUND_MAX_ITEMS) {
                out.sendItems(target.snapshot().address(), batch);
                batch = new ArrayList<>();
                used = 0;
            }
            batch.add(it);
            used += need;
        }
        if (!batch.isEmpty()) {
            out.sendItems(target.snapshot().address(), batch);
        }
    }

    /** One gossip round: queued items to a few random members. */
    public void gossipRound() {
        if (stopped || queue.size() == 0) {
            return;
        }
        int limit = transmitLimit();
        List<Member> targets = ctx.table().random(ctx.config().gossipFanout(), this::isPeer);
        Outbox out = ctx.outbox();
        int budget = out.datagramBudget();
        for (Member t : targets) {
            List<byte[]> items = queue.take(budget, Outbox.perItemOverhead(), WireFormat.COMPOUND_MAX_ITEMS, limit);
            if (!items.isEmpty()) {
                out.sendItems(t.snapshot().address(), items);
            }
            for (byte[] large : queue.takeLarge(budget - Outbox.perItemOverhead(), limit)) {
                out.sendItems(t.snapshot().address(), List.of(large));
            }
        }
    }

    /**
     * Items to piggyback on a probe or ack.
     *
     * @param budget bytes left in the datagram
     * @return items, possibly none
     */
    public List<byte[]> piggyback(int budget) {
        return queue.take(budget, Outbox.perItemOverhead(), WireFormat.COMPOUND_MAX_ITEMS - 1, transmitLimit());
    }

    /** Stops sending. */
    public void stop() {
        stopped = true;
        queue.clear();
        fresh.clear();
    }
}
