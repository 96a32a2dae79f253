package io.tamtam.internal.peer;

import io.tamtam.internal.messaging.InOrder;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sessions of this node: one {@link Peer} per member, created when the member is accepted ALIVE and
 * freed when it is REMOVED. A message from a sender that is not (yet) a member, such as a node whose
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
    private final Map<InetSocketAddress, Peer> byAddress = new ConcurrentHashMap<>();
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
     */
    public Peers(Executor callbacks, InOrder inOrder) {
        this.callbacks = callbacks;
        this.inOrder = inOrder;
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
        Peer p = members.get(id);
        if (p == null) {
            synchronized (strangers) {
                p = strangers.remove(id);
            }
            if (p == null) {
                p = new Peer(id, callbacks);
            }
            Peer raced = members.putIfAbsent(id, p);
            if (raced != null) {
                p = raced;
            }
        }
        byAddress.put(address, p);
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
            byAddress.remove(address, p);
            byAddress.values().removeIf(v -> v == p); // and any earlier address of the member
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
        Peer p = members.get(id);
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
     * @return its session, or null when it is not a member
     */
    public Peer member(UUID id) {
        return members.get(id);
    }

    /**
     * @param address a destination
     * @return the session of the member at that address, or null
     */
    public Peer at(InetSocketAddress address) {
        return byAddress.get(address);
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

    /** @return sessions of members */
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
