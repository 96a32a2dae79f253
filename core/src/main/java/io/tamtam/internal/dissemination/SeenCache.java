package io.tamtam.internal.dissemination;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers recently seen broadcast ids so that duplicates are suppressed. Bounded by count: the
 * oldest entries go first. Protocol thread only.
 *
 * @param <K> the id type
 */
public final class SeenCache<K> {
    private final LinkedHashMap<K, Boolean> seen;

    /** @param capacity how many ids are remembered */
    public SeenCache(int capacity) {
        this.seen = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * @param id an id
     * @return true when it was not seen before (and is now remembered)
     */
    public boolean firstTime(K id) {
        return seen.putIfAbsent(id, Boolean.TRUE) == null;
    }
}
