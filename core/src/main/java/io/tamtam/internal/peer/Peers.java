package io.tamtam.internal.peer;

import io.tamtam.internal.membership.Member;
import io.tamtam.internal.membership.MemberTable;
import io.tamtam.internal.messaging.InOrder;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The sessions of this node: a {@link Peer} for each member this node exchanges messages with, created
 * when the first message goes to or comes from the member (a member that is only known costs nothing
 * here) and freed when it is REMOVED. A message from a sender that is not (yet) a member, such as a node whose
 * join has not reached this node, gets a stranger session from a pool of at most {@link #MAX_STRANGERS};
 * the least recently used one is evicted (its held messages handed on, counted) when the pool is full,
 * and a stranger that becomes a member keeps its session. Senders cannot grow this node's state beyond
 * that: every other byte a session holds is taken from the node's inbound budget. Thread-safe.
 */
public final class Peers {
    /** Most sessions for senders that are not members. */
    public static final int MAX_STRANGERS = 1024;
    /** How many REMOVED members are remembered as such (16 bytes and an entry each). */
    public static final int REMEMBER_REMOVED = 10_000;

    private final Map<UUID, Peer> members = new ConcurrentHashMap<>();
    private final Predicate<UUID> isMember;
    private final Function<InetSocketAddress, UUID> memberAt;
    private final LinkedHashMap<UUID, Peer> strangers = new LinkedHashMap<>(16, 0.75f, true);
    private final Executor callbacks;
    private final InOrder inOrder;
    private final LongAdder evicted = new LongAdder();
    private final LinkedHashMap<UUID, Boolean> removedIds = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > REMEMBER_REMOVED;
        }
    };

    /**
     * @param callbacks where each session delivers to handlers
     * @param inOrder   releases a session's held messages when it goes
     * @param table     the members: who is one, and at which address
     */
    public Peers(Executor callbacks, InOrder inOrder, MemberTable table) {
        this(callbacks, inOrder, id -> table.get(id) != null, address -> {
            Member m = table.at(address);
            return m == null ? null : m.id();
        });
    }

    /**
     * @param callbacks where each session delivers to handlers
     * @param inOrder   releases a session's held messages when it goes
     * @param isMember  whether an id is a member's (any thread)
     * @param memberAt  the id of the member at an address, or null (any thread)
     */
    public Peers(Executor callbacks, InOrder inOrder, Predicate<UUID> isMember, Function<InetSocketAddress, UUID> memberAt) {
        this.callbacks = callbacks;
        this.inOrder = inOrder;
        this.isMember = isMember;
        this.memberAt = memberAt;
    }

    /**
     * A member was accepted ALIVE (or changed address).
     *
     * @param id      its id
     * @param address its address
     */
    public void joined(UUID id, InetSocketAddress address) {
        synchronized (removedIds) {
            removedIds.remove(id);
        }
    }

    /** @return the member's session, made (or taken over from the strangers) on first use; null for a non-member */
    private Peer session(UUID id) {
        Peer p = members.get(id);
        if (p != null || !isMember.test(id)) {
            return p;
        }
        synchronized (strangers) {
            p = strangers.remove(id);
        }
        if (p == null) {
            p = new Peer(id, callbacks);
        }
        Peer raced = members.putIfAbsent(id, p);
        if (raced != null) {
            return raced;
        }
        if (!isMember.test(id) && members.remove(id, p)) {
            release(p); // removed meanwhile: the protocol thread's removed() may have run before the put
            return null;
        }
        return p;
    }

    /**
     * A member was forgotten: its session goes.
     *
     * @param id      its id
     * @param address its last address
     */
    public void removed(UUID id, InetSocketAddress address) {
        synchronized (removedIds) {
            removedIds.put(id, Boolean.TRUE);
        }
        Peer p = members.remove(id);
        if (p != null) {
            release(p);
        }
    }

    private void release(Peer p) {
        InOrder.Lane lane = p.inboundIfStarted();
        if (lane != null) {
            inOrder.release(lane);
        }
    }

    /**
     * @param id a sender
     * @return its session: the member's, or a stranger session (created, possibly evicting another)
     */
    public Peer sender(UUID id) {
        Peer p = session(id);
        if (p != null) {
            return p;
        }
        Peer evict = null;
        synchronized (strangers) {
            p = strangers.get(id);
            if (p == null) {
                p = new Peer(id, callbacks);
                strangers.put(id, p);
                if (strangers.size() > MAX_STRANGERS) {
                    Iterator<Peer> it = strangers.values().iterator();
                    evict = it.next();
                    it.remove();
                }
            }
        }
        if (evict != null) {
            evicted.increment();
            release(evict);
        }
        return p;
    }

    /**
     * @param id a member
     * @return its session (made on first use), or null when it is not a member
     */
    public Peer member(UUID id) {
        return session(id);
    }

    /**
     * @param id a member
     * @return its session if one was made, else null
     */
    public Peer existing(UUID id) {
        return members.get(id);
    }

    /**
     * @param address a destination
     * @return the session of the member at that address (made on first use), or null when no member is there
     */
    public Peer at(InetSocketAddress address) {
        UUID id = memberAt.apply(address);
        return id == null ? null : session(id);
    }

    /**
     * @param id a node id
     * @return whether it was a member and was REMOVED (among the last {@link #REMEMBER_REMOVED})
     */
    public boolean wasRemoved(UUID id) {
        synchronized (removedIds) {
            return removedIds.containsKey(id);
        }
    }

    /** @return sessions of members (those this node exchanged messages with) */
    public int memberSessions() {
        return members.size();
    }

    /** @return sessions of senders that are not members */
    public int strangerSessions() {
        synchronized (strangers) {
            return strangers.size();
        }
    }

    /** @return stranger sessions evicted because the pool was full */
    public long evicted() {
        return evicted.sum();
    }
}
