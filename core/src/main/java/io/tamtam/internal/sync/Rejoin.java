package io.tamtam.internal.sync;

import io.tamtam.ClusterConfig;
import io.tamtam.NodeState;
import io.tamtam.internal.Context;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.membership.Membership;
import io.tamtam.spi.SeedProvider;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Automatic rejoin: keeps trying to reach the members this node lost until the cluster is whole again.
 * Candidates are the addresses of DEAD members, of removed dead members still remembered for
 * reconnection (a partition that outlasted {@code deadNodeRetention}), of the members the snapshot file
 * listed at start, and, once this node has joined (or rejoined from its snapshot), the seeds of the
 * seed provider, re-resolved while this node is alone or has lost members. Each candidate address is
 * tried with a push-pull exchange (a join while this node is alone), starting at the probe interval and
 * backing off by doubling up to {@code rejoinMaxBackoff}; at most {@link #MAX_IN_FLIGHT} attempts run at
 * once. Also keeps the snapshot file up to date. Protocol thread only, except where noted.
 */
public final class Rejoin {
    /** Most exchanges the rejoin loop has outstanding at once. */
    static final int MAX_IN_FLIGHT = 8;
    /** Least time between two rewrites of the snapshot file: 1 s. */
    static final long SNAPSHOT_EVERY_NANOS = 1_000_000_000L;

    private final Context ctx;
    private final Membership membership;
    private final PushPull pushPull;
    private final Executor io;
    private final Executor snapshotWrites;
    private final SeedProvider seedProvider;
    private final SnapshotFile snapshot;
    private final BiConsumer<String, Throwable> errors;
    private final long minDelay;
    private final long maxDelay;

    private static final class Backoff {
        long next;
        long delay;

        Backoff(long next, long delay) {
            this.next = next;
            this.delay = delay;
        }
    }

    private final Map<InetSocketAddress, Backoff> backoff = new HashMap<>();
    private final Set<InetSocketAddress> inFlight = new HashSet<>();
    private List<InetSocketAddress> seeds = List.of();
    private final Backoff seedBackoff;
    private boolean resolving;
    private boolean armed;
    private boolean stopped;
    private boolean snapshotDirty;
    private long lastSnapshot = Long.MIN_VALUE / 2;
    private volatile boolean writing;

    /**
     * @param ctx          shared parts
     * @param membership   the membership, whose lost members are tried
     * @param pushPull     runs the exchanges
     * @param io           runs seed resolution and snapshot writes (they may block)
     * @param seedProvider re-resolved while members are missing; null for none
     * @param snapshot     the snapshot file; null for none
     * @param errors       told of snapshot and discovery failures
     */
    public Rejoin(Context ctx, Membership membership, PushPull pushPull, Executor io, SeedProvider seedProvider,
                  SnapshotFile snapshot, BiConsumer<String, Throwable> errors) {
        this.ctx = ctx;
        this.membership = membership;
        this.pushPull = pushPull;
        this.io = io;
        // One write at a time, in order: the empty snapshot of a leave must land after any earlier write.
        this.snapshotWrites = new io.tamtam.internal.runtime.SerialExecutor(io);
        this.seedProvider = seedProvider;
        this.snapshot = snapshot;
        this.errors = errors;
        this.minDelay = ctx.config().probeInterval().toNanos();
        this.maxDelay = ctx.config().rejoinMaxBackoff().toNanos();
        this.seedBackoff = new Backoff(0, minDelay);
    }

    /** Reads the snapshot file, if any, remembers its members, and starts the loop. */
    public void start() {
        if (snapshot != null) {
            try {
                List<InetSocketAddress> known = snapshot.read();
                for (InetSocketAddress a : known) {
                    membership.remember(a);
                }
                armed = !known.isEmpty();
            } catch (IOException e) {
                errors.accept("reading the snapshot file", e);
            }
        }
        tick();
    }

    /**
     * This node joined, or was asked to join through the seed provider: from now on, the seeds are
     * re-resolved while members are missing.
     */
    public void joined() {
        armed = true;
    }

    /** A membership change: the snapshot file is rewritten at the next tick (at most once a second). */
    public void changed() {
        snapshotDirty = true;
    }

    /**
     * Stops the loop.
     *
     * @param left whether the node left gracefully: its snapshot is then emptied, so that it does not
     *             rejoin by itself when restarted
     */
    public void stop(boolean left) {
        stopped = true;
        if (left && snapshot != null) {
            snapshotWrites.execute(() -> writeSnapshot(List.of()));
        }
    }

    private void tick() {
        if (stopped || membership.leaving()) {
            return;
        }
        long now = ctx.now();
        InetSocketAddress self = membership.self().snapshot().address();
        boolean alone = ctx.table().liveCount() <= 1;
        List<InetSocketAddress> reconnect = membership.reconnectAddresses();
        if (ctx.table().count(NodeState.DEAD) == 0 && reconnect.isEmpty() && !(armed && alone) && backoff.isEmpty()) {
            // Nothing lost and no seed to try: no candidate, so no pass over the members (O(N) per tick).
            seedBackoff.delay = minDelay;
            seedBackoff.next = now;
            snapshotIfDue(now, self);
            ctx.scheduler().schedule(this::tick, minDelay);
            return;
        }
        Set<InetSocketAddress> lost = new LinkedHashSet<>();
        if (ctx.table().count(NodeState.DEAD) > 0) {
            for (Member m : ctx.table().members()) {
                if (m.state() == NodeState.DEAD) {
                    lost.add(m.snapshot().address());
                }
            }
        }
        for (InetSocketAddress a : reconnect) {
            if (liveAt(a)) {
                membership.reconnected(a);
            } else {
                lost.add(a);
            }
        }
        lost.remove(self);
        lost.removeIf(this::liveAt);
        Set<InetSocketAddress> candidates = new LinkedHashSet<>(lost);
        if (armed && (alone || !lost.isEmpty())) {
            resolveSeeds(now);
            for (InetSocketAddress s : seeds) {
                if (!s.equals(self) && !liveAt(s)) {
                    candidates.add(s);
                }
            }
        } else {
            seedBackoff.delay = minDelay;
            seedBackoff.next = now;
        }
        backoff.keySet().retainAll(candidates);
        for (InetSocketAddress a : candidates) {
            if (inFlight.size() >= MAX_IN_FLIGHT) {
                break;
            }
            Backoff b = backoff.computeIfAbsent(a, k -> new Backoff(now, minDelay));
            if (now - b.next >= 0 && !inFlight.contains(a)) {
                attempt(a, alone);
            }
        }
        snapshotIfDue(now, self);
        ctx.scheduler().schedule(this::tick, minDelay);
    }

    /** @return whether a live member is at this address (the member that took the address last) */
    private boolean liveAt(InetSocketAddress a) {
        Member m = ctx.table().at(a);
        return m != null && m.isLive();
    }

    private void snapshotIfDue(long now, InetSocketAddress self) {
        if (snapshotDirty && snapshot != null && now - lastSnapshot >= SNAPSHOT_EVERY_NANOS && !writing) {
            snapshotDirty = false;
            lastSnapshot = now;
            List<SnapshotFile.Entry> entries = snapshotEntries(self);
            writing = true;
            snapshotWrites.execute(() -> {
                writeSnapshot(entries);
                writing = false;
            });
        }
    }

    private void attempt(InetSocketAddress a, boolean join) {
        inFlight.add(a);
        pushPull.exchange(a, join).whenComplete((info, err) -> ctx.scheduler().execute(() -> {
            inFlight.remove(a);
            if (err == null) {
                backoff.remove(a);
                membership.reconnected(a);
                if (join) {
                    pushPull.afterJoin(false);
                }
            } else {
                Backoff b = backoff.get(a);
                if (b != null) {
                    later(b);
                }
            }
        }));
    }

    /** Doubles the wait, up to the maximum, jittered by up to a quarter so that nodes do not act in step. */
    private void later(Backoff b) {
        b.delay = Math.min(maxDelay, b.delay * 2);
        b.next = ctx.now() + b.delay - (long) (ctx.random().nextDouble() * b.delay / 4);
    }

    private void resolveSeeds(long now) {
        if (seedProvider == null || resolving || now - seedBackoff.next < 0) {
            return;
        }
        resolving = true;
        later(seedBackoff);
        io.execute(() -> {
            List<InetSocketAddress> found;
            try {
                found = List.copyOf(seedProvider.seeds());
            } catch (IOException | RuntimeException e) {
                errors.accept("re-resolving the seeds to rejoin", e);
                found = null;
            }
            List<InetSocketAddress> result = found;
            ctx.scheduler().execute(() -> {
                resolving = false;
                if (result != null) {
                    seeds = result.size() > ClusterConfig.MAX_SNAPSHOT_MEMBERS
                            ? result.subList(0, ClusterConfig.MAX_SNAPSHOT_MEMBERS) : result;
                }
            });
        });
    }

    /** @return live members first, then dead ones, then removed ones still tried; never this node */
    private List<SnapshotFile.Entry> snapshotEntries(InetSocketAddress self) {
        List<SnapshotFile.Entry> out = new ArrayList<>();
        Set<InetSocketAddress> seen = new HashSet<>();
        seen.add(self);
        for (NodeState st : new NodeState[] {NodeState.ALIVE, NodeState.SUSPECT, NodeState.DEAD}) {
            for (Member m : ctx.table().members()) {
                if (m.state() == st && seen.add(m.snapshot().address())) {
                    out.add(new SnapshotFile.Entry(m.snapshot().address(), st.name().toLowerCase(java.util.Locale.ROOT)));
                }
            }
        }
        List<InetSocketAddress> removed = membership.reconnectAddresses();
        for (int i = removed.size() - 1; i >= 0; i--) {
            if (seen.add(removed.get(i))) {
                out.add(new SnapshotFile.Entry(removed.get(i), "removed"));
            }
        }
        return out;
    }

    /** On the io executor. */
    private void writeSnapshot(List<SnapshotFile.Entry> entries) {
        try {
            snapshot.write(entries);
        } catch (IOException | RuntimeException e) {
            errors.accept("writing the snapshot file", e);
        }
    }
}
