package io.tamtam.internal.dissemination;

import io.tamtam.internal.Context;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireFormat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Makes user broadcasts reliable between live members: gossip spreads each broadcast a bounded number
 * of times, and a datagram lost, a full receive buffer or a full queue can leave a member without it.
 * Each origin keeps its last {@link #LOG_ITEMS} broadcasts ({@link #LOG_BYTES} at most) and, while it
 * broadcast within {@link #DIGEST_QUIET_NANOS}, sends a digest (the range of sequences it keeps) to a few
 * random members every gossip round; a member that lacks some sequence of the range asks the origin
 * for it (at most {@link WireFormat#MAX_REPAIR_SEQS} per request) and gets it sent again. A member is
 * offered only broadcasts sent after the origin saw it join. Each member tracks, per origin, which of
 * the last {@link #WINDOW} sequences it received ({@link #MAX_ORIGINS} origins, least recently heard
 * forgotten first). Protocol thread only.
 */
public final class BroadcastRepair {
    /** Own broadcasts kept for repair. */
    static final int LOG_ITEMS = 16_384;
    /** Bytes of own broadcasts kept for repair: 16 MiB. */
    static final long LOG_BYTES = 16L << 20;
    /** Sequences per origin whose receipt is tracked. */
    static final int WINDOW = 16_384;
    /** Origins tracked. */
    static final int MAX_ORIGINS = 1024;
    /** Digests stop this long after the origin's last broadcast: 5 min. */
    static final long DIGEST_QUIET_NANOS = 300_000_000_000L;

    /** Which of an origin's recent sequences arrived. */
    static final class Tracker {
        private final long[] bits = new long[WINDOW / 64];
        /** One past the highest sequence known; -1 before any. */
        private long top = -1;

        private boolean get(long s) {
            int i = (int) Math.floorMod(s, (long) WINDOW);
            return (bits[i >>> 6] & (1L << (i & 63))) != 0;
        }

        private void put(long s, boolean v) {
            int i = (int) Math.floorMod(s, (long) WINDOW);
            if (v) {
                bits[i >>> 6] |= 1L << (i & 63);
            } else {
                bits[i >>> 6] &= ~(1L << (i & 63));
            }
        }

        /** Moves the window up to {@code to}, the sequences passed counted as not received. */
        private void advance(long to) {
            if (top < 0) {
                top = to;
                return;
            }
            if (to - top >= WINDOW) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (long s = top; s < to; s++) {
                    put(s, false);
                }
            }
            top = Math.max(top, to);
        }

        void received(long s) {
            if (top < 0 || s >= top) {
                advance(s + 1);
                if (top == s + 1) {
                    put(s, true);
                }
            } else if (s >= top - WINDOW) {
                put(s, true);
            }
        }

        long[] missing(long lo, long hi) {
            if (hi > top) {
                advance(hi);
            }
            long from = Math.max(lo, top - WINDOW);
            List<Long> out = new ArrayList<>();
            for (long s = from; s < hi && out.size() < WireFormat.MAX_REPAIR_SEQS; s++) {
                if (!get(s)) {
                    out.add(s);
                }
            }
            return out.stream().mapToLong(Long::longValue).toArray();
        }
    }

    private final Context ctx;
    /** Made on this node's first broadcast: most nodes of a large cluster never originate one. */
    private Message.Broadcast[] log;
    private long logLo = -1;
    private long logHi = -1;
    private long logBytes;
    private long lastOriginated = Long.MIN_VALUE;
    /** Per member: this node's next sequence when it saw the member join. */
    private final Map<UUID, Long> memberSince = new HashMap<>();
    private final Map<UUID, Tracker> trackers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Tracker> e) {
            return size() > MAX_ORIGINS;
        }
    };
    private long repairsSent;
    private long repairsAsked;

    /** @param ctx shared parts */
    public BroadcastRepair(Context ctx) {
        this.ctx = ctx;
    }

    /** @param b a broadcast this node originated, with the next consecutive sequence */
    void originated(Message.Broadcast b) {
        if (log == null) {
            log = new Message.Broadcast[LOG_ITEMS];
        }
        if (logLo < 0 || b.seq() != logHi) {
            java.util.Arrays.fill(log, null);
            logLo = b.seq();
            logBytes = 0;
        }
        logHi = b.seq() + 1;
        log[slot(b.seq())] = b;
        logBytes += b.payload().length;
        while (logHi - logLo > LOG_ITEMS || logBytes > LOG_BYTES) {
            Message.Broadcast old = log[slot(logLo)];
            log[slot(logLo)] = null;
            logBytes -= old == null ? 0 : old.payload().length;
            logLo++;
        }
        lastOriginated = ctx.now();
    }

    private static int slot(long seq) {
        return (int) Math.floorMod(seq, (long) LOG_ITEMS);
    }

    /** @param origin @param seq a broadcast delivered here */
    void received(UUID origin, long seq) {
        trackers.computeIfAbsent(origin, k -> new Tracker()).received(seq);
    }

    /**
     * @param member a member seen joining for the first time (not coming back from DEAD or LEFT): it is
     *               offered broadcasts from now on
     */
    public void joined(UUID member) {
        if (logHi >= 0) {
            // before this node's first broadcast every member gets all of them: nothing to remember
            memberSince.putIfAbsent(member, logHi);
        }
    }

    /** @param member a member removed */
    public void removed(UUID member) {
        memberSince.remove(member);
        trackers.remove(member);
    }

    /** One round: digests to a few random members while this node broadcasts. */
    public void round() {
        if (logLo < 0 || ctx.now() - lastOriginated > DIGEST_QUIET_NANOS) {
            return;
        }
        for (Member m : ctx.table().random(ctx.config().gossipFanout(),
                x -> x.isLive() && !x.id().equals(ctx.selfId()))) {
            long lo = Math.max(logLo, memberSince.getOrDefault(m.id(), Long.MIN_VALUE));
            if (lo < logHi) {
                ctx.outbox().send(m.snapshot().address(), new Message.BroadcastDigest(lo, logHi));
            }
        }
    }

    /** A digest from an origin: ask for what is missing. */
    void onDigest(UUID origin, Message.BroadcastDigest d) {
        Member m = ctx.table().get(origin);
        if (m == null || !m.isLive() || d.hi() - d.lo() > LOG_ITEMS || d.hi() < d.lo()) {
            return;
        }
        long[] missing = trackers.computeIfAbsent(origin, k -> new Tracker()).missing(d.lo(), d.hi());
        if (missing.length > 0) {
            repairsAsked += missing.length;
            ctx.outbox().sendAny(m.snapshot().address(), new Message.BroadcastRepair(missing));
        }
    }

    /** A member asks this origin for broadcasts again. */
    void onRepair(UUID from, Message.BroadcastRepair r) {
        Member m = ctx.table().get(from);
        if (m == null || !m.isLive()) {
            return;
        }
        List<byte[]> items = new ArrayList<>();
        for (long seq : r.seqs()) {
            if (seq >= logLo && seq < logHi) {
                Message.Broadcast b = log[slot(seq)];
                if (b != null && b.seq() == seq) {
                    items.add(PacketCodec.item(new Message.BroadcastResent(b.origin(), b.seq(), b.userType(), b.payload())));
                }
            }
        }
        repairsSent += items.size();
        Disseminator.sendAll(ctx, m, items);
    }

    /** @return broadcasts this node sent again on request */
    public long repairsSent() {
        return repairsSent;
    }

    /** @return sequences this node asked origins for */
    public long repairsAsked() {
        return repairsAsked;
    }
}
