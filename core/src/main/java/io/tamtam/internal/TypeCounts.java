package io.tamtam.internal;

import io.tamtam.ClusterStats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Message counts by protocol kind (a fixed array over the type byte) and by user type (an open-addressing
 * table of at most {@link ClusterStats#TRACKED_USER_TYPES} types, claimed lock-free as types are first
 * seen; later types count under {@link ClusterStats#OTHER_USER_TYPES}). Counting allocates nothing.
 * Thread-safe.
 */
final class TypeCounts {
    private static final int KINDS = 128;
    /** Twice the tracked types, a power of two: probes stay short. */
    private static final int SLOTS = Integer.highestOneBit(ClusterStats.TRACKED_USER_TYPES * 2 - 1) << 1;

    private final AtomicLongArray kinds = new AtomicLongArray(KINDS);
    /** User type per slot, 0 when free (0 is no user type). */
    private final AtomicIntegerArray types = new AtomicIntegerArray(SLOTS);
    private final AtomicLongArray counts = new AtomicLongArray(SLOTS);
    private final java.util.concurrent.atomic.AtomicInteger claimed = new java.util.concurrent.atomic.AtomicInteger();
    private final LongAdder other = new LongAdder();

    /** @param kind a protocol type byte */
    void kind(int kind) {
        kind(kind, 1);
    }

    /** @param kind a protocol type byte @param n how many messages of it */
    void kind(int kind, long n) {
        if (kind >= 0 && kind < KINDS) {
            kinds.addAndGet(kind, n);
        }
    }

    /** @param type a user type (1 to 65535) */
    void user(int type) {
        user(type, 1);
    }

    /** @param type a user type (1 to 65535) @param n how many messages of it */
    void user(int type, long n) {
        int mask = SLOTS - 1;
        int i = (type * 0x9E3779B1) >>> 16 & mask;
        for (int probes = 0; probes < SLOTS; probes++, i = (i + 1) & mask) {
            int t = types.get(i);
            if (t == type) {
                counts.addAndGet(i, n);
                return;
            }
            if (t == 0) {
                if (claimed.get() >= ClusterStats.TRACKED_USER_TYPES) {
                    break;
                }
                if (types.compareAndSet(i, 0, type)) {
                    claimed.incrementAndGet();
                    counts.addAndGet(i, n);
                    return;
                }
                if (types.get(i) == type) {
                    counts.addAndGet(i, n);
                    return;
                }
            }
        }
        other.add(n);
    }

    long get(int type) {
        if (type == ClusterStats.OTHER_USER_TYPES) {
            return other.sum();
        }
        if (type >= 0 && type < KINDS) {
            return kinds.get(type);
        }
        for (int i = 0; i < SLOTS; i++) {
            if (types.get(i) == type) {
                return counts.get(i);
            }
        }
        return 0;
    }

    Map<Integer, Long> all() {
        Map<Integer, Long> out = new TreeMap<>();
        for (int k = 0; k < KINDS; k++) {
            long n = kinds.get(k);
            if (n > 0) {
                out.put(k, n);
            }
        }
        for (int i = 0; i < SLOTS; i++) {
            int t = types.get(i);
            long n = counts.get(i);
            if (t != 0 && n > 0) {
                out.put(t, n);
            }
        }
        long o = other.sum();
        if (o > 0) {
            out.put(ClusterStats.OTHER_USER_TYPES, o);
        }
        return out;
    }
}
