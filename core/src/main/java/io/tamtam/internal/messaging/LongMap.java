package io.tamtam.internal.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * A map from {@code long} keys to values, open addressing with linear probing: no boxed key and no entry
 * object per mapping, for the hot path of messages waiting for an answer. Grows by doubling and shrinks
 * back when mostly empty, so an emptied map keeps little memory. Not thread-safe: callers lock.
 *
 * @param <V> the value
 */
final class LongMap<V> {
    private static final int MIN_CAPACITY = 16;

    private long[] keys = new long[MIN_CAPACITY];
    private Object[] values = new Object[MIN_CAPACITY];
    private int size;

    /** @return mappings held */
    int size() {
        return size;
    }

    /**
     * @param key   the key
     * @param value not null
     * @return the value it replaced, or null
     */
    V put(long key, V value) {
        if ((size + 1) * 4 > keys.length * 3) {
            resize(keys.length * 2);
        }
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            if (values[i] == null) {
                keys[i] = key;
                values[i] = value;
                size++;
                return null;
            }
            if (keys[i] == key) {
                V old = value(i);
                values[i] = value;
                return old;
            }
        }
    }

    /** @param key the key @return its value, or null */
    V get(long key) {
        int i = find(key);
        return i < 0 ? null : value(i);
    }

    /** @param key the key @return the value it had, or null */
    V remove(long key) {
        int i = find(key);
        if (i < 0) {
            return null;
        }
        V old = value(i);
        removeAt(i);
        return old;
    }

    /**
     * Removes the mappings the predicate accepts.
     *
     * @param which tells which mappings go
     * @return their values, in no particular order
     */
    List<V> removeIf(BiPredicate<Long, V> which) {
        List<V> out = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            while (values[i] != null && which.test(keys[i], value(i))) {
                out.add(value(i));
                removeAt(i); // shifts a later entry into slot i: test it too
            }
        }
        if (size * 8 < keys.length && keys.length > MIN_CAPACITY) {
            resize(Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, size) * 4)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private V value(int i) {
        return (V) values[i];
    }

    private int find(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return i;
            }
        }
        return -1;
    }

    /** Empties slot i and moves later entries of its probe run back, so every lookup still finds them. */
    private void removeAt(int i) {
        int mask = keys.length - 1;
        values[i] = null;
        size--;
        int hole = i;
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            // Entry j may fill the hole when its home is not cyclically within (hole, j].
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                values[j] = null;
                hole = j;
            }
        }
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[capacity];
        values = new Object[capacity];
        int mask = capacity - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                int j = slot(oldKeys[i], mask);
                while (values[j] != null) {
                    j = (j + 1) & mask;
                }
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
            }
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
