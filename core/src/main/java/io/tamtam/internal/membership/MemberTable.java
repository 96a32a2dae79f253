package io.tamtam.internal.membership;

import io.tamtam.NodeState;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Every member this node knows, itself included: lookup by id and by address for any thread, plus, for
 * the protocol thread, an array for uniform random choice and a shuffled round-robin probe order. Written
 * by the protocol thread only. An entry costs a {@link Member} (32 bytes), two index slots and two array
 * slots; the member's {@link NodeSnapshot} is shared with every other node of the JVM that holds the same
 * view of it ({@link Interned#snapshot}).
 */
public final class MemberTable {
    private static final NodeState[] STATES = NodeState.values();
    private final MemberIndex<UUID> byId = new MemberIndex<>(Member::id);
    private final MemberIndex<InetSocketAddress> byAddress = new MemberIndex<>(m -> m.snapshot().address());
    private volatile java.util.Set<String> reachable;
    /** Members in the table per state, by ordinal; kept as states change, readable from any thread. */
    private final AtomicIntegerArray byState = new AtomicIntegerArray(STATES.length);
    private final ArrayList<Member> all = new ArrayList<>();
    private final ArrayList<Member> probeOrder = new ArrayList<>();
    /** Built on first use ({@link #live()}: a node that never relays a broadcast does not hold it). */
    private LiveMembers live;
    private int probeIndex;
    private int liveCount;
    private long version;
    private long lastChange;
    private final io.tamtam.spi.NanoClock clock;
    private final RandomGenerator random;

    /**
     * @param random the protocol's randomness
     * @param clock  stamps changes
     */
    public MemberTable(RandomGenerator random, io.tamtam.spi.NanoClock clock) {
        this.random = random;
        this.clock = clock;
        this.lastChange = clock.nanoTime();
    }

    /** @return when the membership last changed, in clock nanoseconds */
    public long lastChangeNanos() {
        return lastChange;
    }

    private void changed() {
        version++;
        lastChange = clock.nanoTime();
    }

    /** @param id a node id @return the member or null; any thread */
    public Member get(UUID id) {
        return byId.get(id);
    }

    /**
     * @param address an address
     * @return the member at that address (the one that took it last, when several did), or null; any thread
     */
    public Member at(InetSocketAddress address) {
        return byAddress.get(address);
    }

    /** @return every member; safe to iterate from any thread (weakly consistent, like a concurrent map's values) */
    public Collection<Member> members() {
        return byId.view();
    }

    /** @return a counter that changes whenever a member is added, removed or changes state */
    public long version() {
        return version;
    }

    /** Records a change that the counters do not see (an incarnation or metadata change). */
    void touch() {
        changed();
    }

    /** @return how many members are alive or suspect, this node included */
    public int liveCount() {
        return liveCount;
    }

    /** @return how many members are known */
    public int size() {
        return all.size();
    }

    void add(Member m) {
        changed();
        byId.put(m);
        byAddress.put(m);
        m.index = all.size();
        all.add(m);
        byState.incrementAndGet(m.state().ordinal());
        // Insert at a random place among the members not yet probed this round.
        probeOrder.add(m);
        int from = Math.min(probeIndex, probeOrder.size() - 1);
        int j = from + random.nextInt(probeOrder.size() - from);
        probeOrder.set(probeOrder.size() - 1, probeOrder.get(j));
        probeOrder.set(j, m);
        if (m.isLive()) {
            liveCount++;
            liveAdded(m);
        }
    }

    void remove(Member m) {
        changed();
        byId.remove(m, m.id());
        byAddress.remove(m, m.snapshot().address());
        int i = m.index;
        Member last = all.remove(all.size() - 1);
        if (last != m) {
            all.set(i, last);
            last.index = i;
        }
        m.index = -1;
        byState.decrementAndGet(m.state().ordinal());
        if (m.isLive()) {
            liveCount--;
            liveRemoved(m);
        }
    }

    /**
     * Gives a member its new view, keeping the counts per state, the live members and the address index.
     *
     * @param m a member, in the table or not
     * @param s its new view
     */
    void update(Member m, NodeSnapshot s) {
        NodeSnapshot before = m.snapshot();
        boolean indexed = m.index >= 0;
        boolean wasLive = m.isLive();
        boolean moved = indexed && !before.address().equals(s.address());
        if (moved) {
            byAddress.remove(m, before.address());
        }
        m.set(Interned.snapshot(s));
        if (moved) {
            byAddress.put(m);
        }
        if (indexed && before.state() != s.state()) {
            byState.decrementAndGet(before.state().ordinal());
            byState.incrementAndGet(s.state().ordinal());
            if (wasLive != m.isLive()) {
                changed();
                if (wasLive) {
                    liveCount--;
                    liveRemoved(m);
                } else {
                    liveCount++;
                    liveAdded(m);
                }
            }
        }
    }

    /**
     * Counts members without a snapshot or an iteration: the table keeps a count per state as members
     * are added, change state and are removed. Any thread; counts of different states are read one at a
     * time, so a member that changes state meanwhile may be counted in neither or in both.
     *
     * @param state a state
     * @return members in the table in that state, this node included
     */
    public int count(NodeState state) {
        return byState.get(state.ordinal());
    }

    /** Keeps {@link #live} (once built) up to date: {@code m} became live. */
    private void liveAdded(Member m) {
        if (live != null) {
            live.add(m);
        }
    }

    /** Keeps {@link #live} (once built) up to date: {@code m} is no longer live. */
    private void liveRemoved(Member m) {
        if (live != null) {
            live.remove(m);
        }
    }

    /**
     * @return the live members, this node included while it is live; built on the first call (12–16 bytes
     *         per member, kept up to date after that); protocol thread only
     */
    public LiveMembers live() {
        if (live == null) {
            live = new LiveMembers();
            for (Member m : all) {
                if (m.isLive()) {
                    live.add(m);
                }
            }
        }
        return live;
    }

    /**
     * @param self the local node's id, never returned
     * @return the next member to probe (alive or suspect), or null when there is none
     */
    public Member nextProbeTarget(UUID self) {
        return nextProbeTarget(self, this::reaches);
    }

    /**
     * Limits the members this node sends to directly to those that advertise one of these schemes.
     *
     * @param schemes the schemes of this node's transports; null for every member
     */
    public void reachOnly(java.util.Set<String> schemes) {
        reachable = schemes == null ? null : java.util.Set.copyOf(schemes);
    }

    /**
     * @param m a member
     * @return whether it advertises a scheme of this node's transports (always, unless {@link #reachOnly} was set)
     */
    public boolean reaches(Member m) {
        java.util.Set<String> s = reachable;
        if (s == null) {
            return true;
        }
        java.util.List<io.tamtam.NodeAddress> theirs = m.snapshot().advertised();
        if (theirs.isEmpty()) {
            return s.contains(io.tamtam.NodeAddress.UDP_TCP);
        }
        for (io.tamtam.NodeAddress a : theirs) {
            if (s.contains(a.scheme())) {
                return true;
            }
        }
        return false;
    }

    private Member nextProbeTarget(UUID self, Predicate<Member> reachable) {
        for (int attempts = 0; attempts <= probeOrder.size(); attempts++) {
            if (probeIndex >= probeOrder.size()) {
                reshuffle();
                if (probeOrder.isEmpty()) {
                    return null;
                }
            }
            Member m = probeOrder.get(probeIndex++);
            if (m.index >= 0 && m.isLive() && !m.id().equals(self) && reachable.test(m)) {
                return m;
            }
        }
        return null;
    }

    private void reshuffle() {
        probeOrder.clear();
        probeOrder.addAll(all);
        for (int i = probeOrder.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Member t = probeOrder.get(i);
            probeOrder.set(i, probeOrder.get(j));
            probeOrder.set(j, t);
        }
        probeIndex = 0;
    }

    /**
     * Picks up to {@code k} distinct random members that match.
     *
     * @param k      how many
     * @param filter which members qualify
     * @return the members, fewer when not enough qualify
     */
    public List<Member> random(int k, Predicate<Member> filter) {
        List<Member> out = new ArrayList<>(k);
        int n = all.size();
        if (k <= 0 || n == 0) {
            return out;
        }
        // Rejection sampling is fast when most members qualify; fall back to a scan otherwise.
        for (int tries = 0; tries < 3 * k + 8 && out.size() < k; tries++) {
            Member m = all.get(random.nextInt(n));
            if (filter.test(m) && !out.contains(m)) {
                out.add(m);
            }
        }
        if (out.size() < k) {
            int start = random.nextInt(n);
            for (int i = 0; i < n && out.size() < k; i++) {
                Member m = all.get((start + i) % n);
                if (filter.test(m) && !out.contains(m)) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** @return members for protocol-thread iteration (a copy) */
    public List<Member> snapshotList() {
        return new ArrayList<>(all);
    }
}
