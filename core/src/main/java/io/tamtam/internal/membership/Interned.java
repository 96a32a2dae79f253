package io.tamtam.internal.membership;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance per distinct member id, address and application version across every node of
 * the JVM, so that N nodes in one JVM (the simulator, many nodes on a host) keep one copy of each member's
 * id and address instead of N. Holds at most {@link #MAX} values; when full it starts over (later
 * members are then shared again as they are seen), so what remote input adds is bounded.
 */
final class Interned {
    /** Most values held: 65,536. */
    static final int MAX = 65_536;
    private static final ConcurrentHashMap<Object, Object> VALUES = new ConcurrentHashMap<>();

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

    /** @return values held now */
    static int size() {
        return VALUES.size();
    }
}
