package io.tamtam.internal.membership;

import io.tamtam.DropReason;
import io.tamtam.MembershipEvent.Cause;
import io.tamtam.MembershipEvent.Type;
import io.tamtam.NodeState;
import io.tamtam.internal.Context;
import io.tamtam.internal.Dispatch;
import io.tamtam.internal.dissemination.Disseminator;
import io.tamtam.internal.failure.Awareness;
import io.tamtam.internal.failure.Suspicion;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.WireFormat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The SWIM state machine with incarnation numbers: what ALIVE, SUSPECT and DEAD messages do to the
 * member table, when this node refutes a suspicion about itself, and which changes are passed on.
 * Protocol thread only.
 */
public final class Membership {
    /**
     * Most members (dead and left ones awaiting removal included) this node keeps: an ALIVE for a new node
     * past it is dropped and counted as QUEUE_FULL. Each member holds at most {@code maxDatagramSize / 2}
     * bytes of metadata (see {@link #maxRemoteMetadata}) and a few hundred bytes more, so this bounds the
     * table in bytes too.
     */
    public static final int MAX_MEMBERS = 100_000;

    /** Addresses of removed dead members tried for reconnection (partition healing). */
    private static final int RECONNECT_CAPACITY = 1024;

    private final Context ctx;
    private final Disseminator dissemination;
    private final Awareness awareness;
    private final EventSink events;
    private final Member self;
    private final LinkedHashMap<InetSocketAddress, Long> reconnect = new LinkedHashMap<>();
    /**
     * Most encoded metadata bytes a member record from the network may carry: the ceiling of any node's
     * {@code maxMetadataBytes} ({@code maxDatagramSize / 2}, as its records travel in datagrams). A record
     * with more is dropped and counted as OVERSIZED.
     */
    private final int maxRemoteMetadata;
    private boolean leaving;

    /**
     * @param ctx           shared parts
     * @param dissemination passes changes on
     * @param awareness     local health, raised when this node is suspected
     * @param events        receives membership events
     * @param selfInfo      this node as it starts
     */
    public Membership(Context ctx, Disseminator dissemination, Awareness awareness, EventSink events, MemberInfo selfInfo) {
        this.ctx = ctx;
        this.maxRemoteMetadata = ctx.config().maxDatagramSize() / 2;
        this.dissemination = dissemination;
        this.awareness = awareness;
        this.events = events;
        this.self = new Member(Member.snapshotOf(selfInfo, NodeState.ALIVE), ctx.now());
        ctx.table().add(self);
    }

    /** @return this node's member */
    public Member self() {
        return self;
    }

    /** @return whether this node is leaving or left */
    public boolean leaving() {
        return leaving;
    }

    /**
     * @param info a member announced by another node
     * @return why this node will not cluster with it, or null when it is compatible
     */
    public String incompatibility(MemberInfo info) {
        if (info.protocolVersion() < WireFormat.PROTOCOL_VERSION_MIN || info.protocolVersion() > WireFormat.PROTOCOL_VERSION) {
            return "protocol version " + info.protocolVersion() + " of node " + info.id() + " is not supported; node "
                    + ctx.selfId() + " speaks " + WireFormat.PROTOCOL_VERSION_MIN + " to " + WireFormat.PROTOCOL_VERSION;
        }
        boolean accepted;
        try {
            accepted = ctx.config().applicationVersionCheck().test(info.applicationVersion());
        } catch (RuntimeException e) {
            accepted = false;
        }
        if (!accepted) {
            return "application version '" + info.applicationVersion() + "' of node " + info.id()
                    + " is refused by the version check of node " + ctx.selfId()
                    + " (application version '" + self.snapshot().applicationVersion() + "')";
        }
        return null;
    }

    /**
     * Registers the kinds this part owns: ALIVE, SUSPECT, DEAD, on the protocol thread.
     *
     * @param dispatch the node's dispatch table
     */
    public void register(Dispatch dispatch) {
        dispatch.onProtocolThread(Message.Alive.class, (a, sender, from, viaFrame) -> onAlive(a.member()));
        dispatch.onProtocolThread(Message.Suspect.class, (s, sender, from, viaFrame) -> onSuspect(s.node(), s.incarnation(), s.from()));
        dispatch.onProtocolThread(Message.Dead.class, (d, sender, from, viaFrame) -> onDead(d.node(), d.incarnation(), d.from()));
    }

    /**
     * Applies an ALIVE claim received in gossip. A member new to this node is queued for gossip, not
     * pushed: the seed that merged its join pushes it, and in a join storm every node re-pushing each
     * joiner's ALIVE it hears multiplies the traffic by the push fanout, while the seed's follow-up pushes
     * tell the joiners anyway. A newer incarnation (a refutation, a member back from DEAD) is pushed at
     * once, as it must overtake the suspicions it answers.
     *
     * @param info the member as announced
     */
    public void onAlive(MemberInfo info) {
        onAlive(info, true, true, false);
    }

    /**
     * Applies an ALIVE claim.
     *
     * @param info      the member as announced
     * @param spreadNew whether a member new to this node is passed on (not for what a full-state merge
     *                  taught: the other node already spreads it, and a join storm would multiply it)
     * @param eager     whether a change is pushed at once rather than only piggybacked
     */
    private void onAlive(MemberInfo info, boolean spreadNew, boolean eager) {
        onAlive(info, spreadNew, eager, eager);
    }

    /**
     * Applies an ALIVE claim.
     *
     * @param info      the member as announced
     * @param spreadNew whether a member new to this node is passed on
     * @param eager     whether a newer incarnation of a known member is pushed at once
     * @param eagerNew  whether a member new to this node is pushed at once rather than only piggybacked
     */
    private void onAlive(MemberInfo info, boolean spreadNew, boolean eager, boolean eagerNew) {
        if (info.id().equals(ctx.selfId())) {
            NodeSnapshot s = self.snapshot();
            boolean differs = !info.address().equals(s.address()) || !info.metadata().equals(s.metadata())
                    || !info.addresses().equals(s.advertised());
            if (!leaving && (info.incarnation() > s.incarnation() || (info.incarnation() == s.incarnation() && differs))) {
                refute(info.incarnation());
            }
            return;
        }
        if (LocalMetadata.encodedSize(info.metadata()) > maxRemoteMetadata) {
            ctx.stats().drop(DropReason.OVERSIZED);
            return;
        }
        Member m = ctx.table().get(info.id());
        if (m == null) {
            if (incompatibility(info) != null) {
                ctx.stats().drop(DropReason.INCOMPATIBLE_VERSION);
                return;
            }
            if (ctx.table().size() >= MAX_MEMBERS) {
                ctx.stats().drop(DropReason.QUEUE_FULL);
                return;
            }
            m = new Member(Member.snapshotOf(info, NodeState.ALIVE), ctx.now());
            ctx.table().add(m);
            events.emit(Type.JOINED, m.snapshot(), null, Cause.DISCOVERED, info.id(), 0);
            if (spreadNew) {
                dissemination.enqueue(m.id(), new Message.Alive(withState(info, NodeState.ALIVE)), eagerNew, null);
            }
            return;
        }
        NodeSnapshot old = m.snapshot();
        if (info.incarnation() <= old.incarnation()) {
            if (info.incarnation() == old.incarnation() && old.state() == NodeState.ALIVE && spreadNew) {
                dissemination.heardAgain(m.id(), WireFormat.ALIVE);
            }
            return;
        }
        NodeState prev = old.state();
        cancelSuspicion(m);
        NodeSnapshot now = Member.snapshotOf(info, NodeState.ALIVE);
        ctx.table().update(m, now);
        ctx.table().touch();
        boolean changed = !Objects.equals(old.metadata(), now.metadata()) || !old.address().equals(now.address())
                || !old.advertised().equals(now.advertised())
                || !old.applicationVersion().equals(now.applicationVersion());
        if (prev == NodeState.DEAD || prev == NodeState.LEFT) {
            m.stateChangeNanos = ctx.now();
            events.emit(Type.JOINED, now, old, Cause.REJOINED, info.id(), 0);
        } else if (prev == NodeState.SUSPECT) {
            m.stateChangeNanos = ctx.now();
            events.emit(Type.ALIVE, now, old, Cause.REFUTED, info.id(), 0);
            if (changed) {
                events.emit(Type.UPDATED, now, old, Cause.METADATA_CHANGED, info.id(), 0);
            }
        } else if (changed) {
            events.emit(Type.UPDATED, now, old, Cause.METADATA_CHANGED, info.id(), 0);
        }
        dissemination.enqueue(m.id(), new Message.Alive(withState(info, NodeState.ALIVE)), eager, null);
    }

    /**
     * Applies a SUSPECT claim.
     *
     * @param node        the suspect
     * @param incarnation the incarnation suspected
     * @param from        who suspects it
     */
    public void onSuspect(UUID node, long incarnation, UUID from) {
        Member m = ctx.table().get(node);
        if (m == null || incarnation < m.incarnation()) {
            return;
        }
        if (m == self) {
            if (!leaving) {
                awareness.apply(1);
                ctx.stats().suspicionRefuted();
                refute(incarnation);
            }
            return;
        }
        NodeState state = m.state();
        if (state == NodeState.DEAD || state == NodeState.LEFT) {
            return;
        }
        if (state == NodeState.SUSPECT && m.suspicion != null && incarnation == m.suspicion.incarnation()) {
            if (m.suspicion.confirm(from)) {
                // Queued, not pushed: when many nodes suspect the same one (an overloaded host), pushing
                // every confirmation from every node that hears it multiplies the traffic that overloaded it.
                dissemination.enqueue(m.id(), new Message.Suspect(node, incarnation, from), false, null);
            }
            return;
        }
        cancelSuspicion(m);
        NodeSnapshot old = m.snapshot();
        NodeSnapshot now = new NodeSnapshot(old.id(), old.address(), NodeState.SUSPECT, incarnation, old.metadata(),
                old.protocolVersion(), old.applicationVersion(), old.advertised());
        ctx.table().update(m, now);
        ctx.table().touch();
        m.stateChangeNanos = ctx.now();
        int n = ctx.table().liveCount();
        int k = Math.min(ctx.config().indirectChecks(), Math.max(0, n - 2));
        long min = Suspicion.minTimeoutNanos(ctx.config(), n);
        long max = Suspicion.maxTimeoutNanos(ctx.config(), n);
        m.suspicion = new Suspicion(from, incarnation, k, min, max, ctx.clock(), ctx.scheduler(),
                () -> suspicionTimedOut(m, incarnation));
        if (state == NodeState.ALIVE) {
            events.emit(Type.SUSPECT, now, old, Cause.SUSPECTED, from, 0);
        }
        // Pushed only by the node whose probe raised it (the suspect is told directly and refutes at
        // once); a suspicion heard from another is queued: re-pushed by every node that hears it, the
        // suspicions of an overloaded host multiply the traffic that overloaded it.
        dissemination.enqueue(m.id(), new Message.Suspect(node, incarnation, from), from.equals(ctx.selfId()), null);
    }

    private void suspicionTimedOut(Member m, long incarnation) {
        if (m.state() == NodeState.SUSPECT && m.incarnation() == incarnation && m.index >= 0) {
            onDead(m.id(), incarnation, ctx.selfId());
        }
    }

    /**
     * Applies a DEAD claim, or a LEFT one when {@code from} is the node itself.
     *
     * @param node        the node
     * @param incarnation its incarnation
     * @param from        who declares it
     */
    public void onDead(UUID node, long incarnation, UUID from) {
        Member m = ctx.table().get(node);
        if (m == null || incarnation < m.incarnation()) {
            return;
        }
        NodeState state = m.state();
        if (state == NodeState.DEAD || state == NodeState.LEFT) {
            return;
        }
        if (m == self) {
            if (!leaving) {
                ctx.stats().suspicionRefuted();
                refute(incarnation);
            }
            return;
        }
        int confirmations = m.suspicion != null ? m.suspicion.confirmations() : 0;
        cancelSuspicion(m);
        NodeState next = node.equals(from) ? NodeState.LEFT : NodeState.DEAD;
        NodeSnapshot old = m.snapshot();
        NodeSnapshot now = new NodeSnapshot(old.id(), old.address(), next, incarnation, old.metadata(),
                old.protocolVersion(), old.applicationVersion(), old.advertised());
        ctx.table().update(m, now);
        m.stateChangeNanos = ctx.now();
        if (state == NodeState.SUSPECT && next == NodeState.DEAD) {
            ctx.stats().suspicionConfirmed();
        }
        if (next == NodeState.LEFT) {
            events.emit(Type.LEFT, now, old, Cause.LEFT, from, 0);
        } else if (from.equals(ctx.selfId())) {
            events.emit(Type.DEAD, now, old, Cause.SUSPICION_CONFIRMED, from, confirmations);
        } else {
            events.emit(Type.DEAD, now, old, Cause.DECLARED_DEAD, from, 0);
        }
        dissemination.enqueue(m.id(), new Message.Dead(node, incarnation, from), true, null);
    }

    private void cancelSuspicion(Member m) {
        if (m.suspicion != null) {
            m.suspicion.cancel();
            m.suspicion = null;
        }
    }

    private void refute(long incarnation) {
        NodeSnapshot s = self.snapshot();
        long inc = Math.max(incarnation, s.incarnation()) + 1;
        NodeSnapshot now = new NodeSnapshot(s.id(), s.address(), NodeState.ALIVE, inc, s.metadata(),
                s.protocolVersion(), s.applicationVersion(), s.advertised());
        ctx.table().update(self, now);
        dissemination.enqueue(s.id(), new Message.Alive(self.toInfo()), true, null);
    }

    /**
     * Merges the full state another node sent. Its DEAD claims are taken as suspicions (the node may
     * only be cut off from that side), which the accused refute if they can.
     *
     * @param remote the other node's members
     * @param sender the other node
     */
    public void merge(List<MemberInfo> remote, UUID sender) {
        for (MemberInfo info : remote) {
            // A member this node had removed while cut off from it (a partition that outlasted the
            // retention) is news to the nodes on this side too, not only to this one: it is passed on.
            boolean spread = info.id().equals(sender) || reconnect.containsKey(info.address());
            switch (info.state()) {
                case ALIVE -> onAlive(info, spread, spread);
                case SUSPECT, DEAD -> {
                    if (ctx.table().get(info.id()) == null && !info.id().equals(ctx.selfId())) {
                        continue;
                    }
                    onSuspect(info.id(), info.incarnation(), sender);
                }
                case LEFT -> onDead(info.id(), info.incarnation(), info.id());
                default -> { }
            }
        }
    }

    /** @return this node's full state for a push-pull */
    public List<MemberInfo> localState() {
        List<MemberInfo> out = new ArrayList<>(ctx.table().size());
        for (Member m : ctx.table().members()) {
            out.add(m.toInfo());
        }
        return out;
    }

    /**
     * Replaces this node's metadata, raising its incarnation so the change wins everywhere.
     *
     * @param metadata the new entries
     */
    public void updateMetadata(Map<String, String> metadata) {
        NodeSnapshot s = self.snapshot();
        Map<String, String> meta = metadata.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        NodeSnapshot now = new NodeSnapshot(s.id(), s.address(), s.state(), s.incarnation() + 1, meta,
                s.protocolVersion(), s.applicationVersion(), s.advertised());
        ctx.table().update(self, now);
        ctx.table().touch();
        events.emit(Type.UPDATED, now, s, Cause.METADATA_CHANGED, s.id(), 0);
        dissemination.enqueue(s.id(), new Message.Alive(self.toInfo()), true, null);
    }

    /**
     * Starts a graceful leave: announces LEFT for this node.
     *
     * @param onDone run when the announcement has been sent enough times (or was dropped)
     */
    public void leave(Runnable onDone) {
        leaving = true;
        NodeSnapshot s = self.snapshot();
        ctx.table().update(self, new NodeSnapshot(s.id(), s.address(), NodeState.LEFT, s.incarnation(), s.metadata(),
                s.protocolVersion(), s.applicationVersion(), s.advertised()));
        dissemination.enqueue(s.id(), new Message.Dead(s.id(), s.incarnation(), s.id()), true, onDone);
    }

    /** Forgets dead and left members older than the retention; remembers dead ones for reconnection. */
    public void reap() {
        long now = ctx.now();
        if (ctx.table().size() == ctx.table().liveCount() && reconnect.isEmpty()) {
            return; // nobody dead or left: nothing to scan
        }
        long retention = ctx.config().deadNodeRetention().toNanos();
        for (Member m : ctx.table().snapshotList()) {
            NodeState st = m.state();
            if (m != self && (st == NodeState.DEAD || st == NodeState.LEFT) && now - m.stateChangeNanos >= retention) {
                ctx.table().remove(m);
                events.emit(Type.REMOVED, m.snapshot(), m.snapshot(), Cause.REAPED, null, 0);
                if (st == NodeState.DEAD) {
                    reconnect.remove(m.snapshot().address());
                    reconnect.put(m.snapshot().address(), now);
                    if (reconnect.size() > RECONNECT_CAPACITY) {
                        InetSocketAddress eldest = reconnect.keySet().iterator().next();
                        reconnect.remove(eldest);
                    }
                }
            }
        }
        long reconnectFor = retention * 120;
        reconnect.values().removeIf(t -> now - t > reconnectFor);
    }

    /**
     * @return an address of a dead member, retained or recently removed, to try to reconnect to; null
     *         when there is none
     */
    public InetSocketAddress reconnectCandidate() {
        List<Member> dead = ctx.table().size() == ctx.table().liveCount() ? List.of()
                : ctx.table().random(1, m -> m.state() == NodeState.DEAD);
        if (!dead.isEmpty() && (reconnect.isEmpty() || ctx.random().nextBoolean())) {
            return dead.get(0).snapshot().address();
        }
        if (reconnect.isEmpty()) {
            return null;
        }
        int i = ctx.random().nextInt(reconnect.size());
        for (InetSocketAddress a : reconnect.keySet()) {
            if (i-- == 0) {
                return a;
            }
        }
        return null;
    }

    /**
     * Forgets a reconnection address once a live member answers from it.
     *
     * @param address the address
     */
    public void reconnected(InetSocketAddress address) {
        reconnect.remove(address);
    }

    /**
     * Remembers an address to reconnect to as if a dead member there had just been removed (a member
     * read from the snapshot file): it is tried until a member answers from it or the reconnection
     * window of removed members passes.
     *
     * @param address the address
     */
    public void remember(InetSocketAddress address) {
        if (reconnect.containsKey(address) || address.equals(self.snapshot().address())) {
            return;
        }
        reconnect.put(address, ctx.now());
        if (reconnect.size() > RECONNECT_CAPACITY) {
            reconnect.remove(reconnect.keySet().iterator().next());
        }
    }

    /** @return the addresses of removed dead (or remembered) members still tried for reconnection, oldest first */
    public List<InetSocketAddress> reconnectAddresses() {
        return List.copyOf(reconnect.keySet());
    }

    private static MemberInfo withState(MemberInfo i, NodeState s) {
        return i.state() == s ? i : new MemberInfo(i.id(), i.incarnation(), s, i.address(), i.protocolVersion(),
                i.applicationVersion(), i.metadata(), i.addresses());
    }
}
