package io.tamtam.internal.membership;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance per distinct member id, address and application version across every node of
 * the JVM, so that N nodes in one JVM (the simulator, many nodes on a host) keep one copy of each member's
 * id and address instead of N; and each member's latest {@link NodeSnapshot}, so that nodes that see a
 * member the same way (same state, incarnation, address and metadata: all of them, once converged) share
 * one. Holds at most {@link #MAX} values and {@link #MAX} snapshots; when full it starts over (later
 * members are then shared again as they are seen), so what remote input adds is bounded.
 */
final class Interned {
    /** Most values held: 65,536. */
    static final int MAX = 65_536;
    private static final ConcurrentHashMap<Object, Object> VALUES = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<UUID, NodeSnapshot> SNAPSHOTS = new ConcurrentHashMap<>();

    private Interned() {
    }

    /**
     * @param value a value with value equality (UUID, InetSocketAddress, String), or null
     * @param <T>   its type
     * @return the shared instance equal to {@code value}
     */
    @SuppressWarnings("unchecked")
    static <T> T of(T value) {
        if (value == null) {
            return null;
        }
        Object had = VALUES.get(value);
        if (had != null) {
            return (T) had;
        }
        if (VALUES.size() >= MAX) {
            VALUES.clear();
        }
        had = VALUES.putIfAbsent(value, value);
        return had != null ? (T) had : value;
    }

    /**
     * @param s a member's view
     * @return a snapshot equal to {@code s} in every field that another node of the JVM holds already,
     *         else {@code s}, which is then the one shared
     */
    static NodeSnapshot snapshot(NodeSnapshot s) {
        NodeSnapshot had = SNAPSHOTS.get(s.id());
        if (had != null && sameView(had, s)) {
            return had;
        }
        if (had == null && SNAPSHOTS.size() >= MAX) {
            SNAPSHOTS.clear();
        }
        SNAPSHOTS.put(s.id(), s);
        return s;
    }

    private static boolean sameView(NodeSnapshot a, NodeSnapshot b) {
        return a.state() == b.state() && a.incarnation() == b.incarnation() && a.protocolVersion() == b.protocolVersion()
                && a.address().equals(b.address()) && Objects.equals(a.applicationVersion(), b.applicationVersion())
                && a.metadata().equals(b.metadata()) && a.advertised().equals(b.advertised());
    }

    /** @return values held now */
    static int size() {
        return VALUES.size();
    }
}
