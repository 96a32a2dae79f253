package io.tamtam.internal.membership;

import io.tamtam.NodeState;
import io.tamtam.internal.failure.Suspicion;
import io.tamtam.internal.wire.MemberInfo;

import java.util.Map;
import java.util.UUID;

/**
 * One member's protocol state. Mutable fields are touched only on the protocol thread; other threads
 * read the immutable {@link #snapshot()}. A node keeps one per member, so it holds only what is this
 * node's own (32 bytes): the view it shares with the JVM's other nodes, when its state last changed,
 * the running suspicion and its place in the table.
 */
public final class Member {
    private volatile NodeSnapshot snapshot;
    long stateChangeNanos;
    Suspicion suspicion;
    int index = -1;

    Member(NodeSnapshot snapshot, long now) {
        this.snapshot = Interned.snapshot(snapshot);
        this.stateChangeNanos = now;
    }

    /** @return whether the member is still in the table (not removed) */
    public boolean inTable() {
        return index >= 0;
    }

    /** @return the id */
    public UUID id() {
        return snapshot.id();
    }

    /** @return the current immutable view */
    public NodeSnapshot snapshot() {
        return snapshot;
    }

    /** @param s the new view; only through {@link MemberTable#update}, which keeps its indexes */
    void set(NodeSnapshot s) {
        snapshot = s;
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
