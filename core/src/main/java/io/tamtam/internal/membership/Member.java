package io.tamtam.internal.membership;

import io.tamtam.NodeState;
import io.tamtam.internal.failure.Suspicion;
import io.tamtam.internal.wire.MemberInfo;

import java.util.Map;
import java.util.UUID;

/**
 * One member's protocol state. Mutable fields are touched only on the protocol thread; other threads
 * read the immutable {@link #snapshot()}.
 */
public final class Member {
    private final UUID id;
    private volatile NodeSnapshot snapshot;
    long stateChangeNanos;
    Suspicion suspicion;
    int index = -1;
    /** The table counting this member by state while it is in it; null before it is added. */
    MemberTable table;

    Member(NodeSnapshot snapshot, long now) {
        this.id = snapshot.id();
        this.snapshot = snapshot;
        this.stateChangeNanos = now;
    }

    /** @return whether the member is still in the table (not removed) */
    public boolean inTable() {
        return index >= 0;
    }

    /** @return the id */
    public UUID id() {
        return id;
    }

    /** @return the current immutable view */
    public NodeSnapshot snapshot() {
        return snapshot;
    }

    void update(NodeSnapshot s) {
        NodeState before = snapshot.state();
        snapshot = s;
        if (index >= 0 && table != null && before != s.state()) {
            table.stateChanged(before, s.state());
        }
    }

    /** @return the state */
    public NodeState state() {
        return snapshot.state();
    }

    /** @return the incarnation */
    public long incarnation() {
        return snapshot.incarnation();
    }

    /** @return whether the member takes part (alive or suspect) */
    public boolean isLive() {
        NodeState s = snapshot.state();
        return s == NodeState.ALIVE || s == NodeState.SUSPECT;
    }

    /** @return when the state last changed, in clock nanoseconds */
    public long stateChangeNanos() {
        return stateChangeNanos;
    }

    /** @return the member as it travels on the wire */
    public MemberInfo toInfo() {
        NodeSnapshot s = snapshot;
        return new MemberInfo(s.id(), s.incarnation(), s.state(), s.address(), s.protocolVersion(),
                s.applicationVersion(), s.metadata(), s.advertised());
    }

    static NodeSnapshot snapshotOf(MemberInfo mi, NodeState state) {
        Map<String, String> meta = mi.metadata().isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(mi.metadata());
        return new NodeSnapshot(Interned.of(mi.id()), Interned.of(mi.address()), state, mi.incarnation(), meta,
                mi.protocolVersion(), Interned.of(mi.applicationVersion()), mi.addresses());
    }
}
