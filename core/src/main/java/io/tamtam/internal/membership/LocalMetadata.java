package io.tamtam.internal.membership;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * This node's metadata as the application changes it: each change is checked against the size bound
 * on the caller's thread (so a too-large change throws there) and then published in order.
 * Thread-safe.
 */
public final class LocalMetadata {
    private final Object lock = new Object();
    private final int maxBytes;
    private final Consumer<Map<String, String>> publish;
    private Map<String, String> current = Map.of();

    /**
     * @param maxBytes the largest encoded metadata
     * @param publish  takes each accepted version (called under the lock, so in order; must not block)
     */
    public LocalMetadata(int maxBytes, Consumer<Map<String, String>> publish) {
        this.maxBytes = maxBytes;
        this.publish = publish;
    }

    /**
     * @param change edits a copy of the current entries
     * @throws IllegalArgumentException when the result would exceed the bound; nothing changes then
     */
    public void change(Consumer<Map<String, String>> change) {
        synchronized (lock) {
            Map<String, String> next = new LinkedHashMap<>(current);
            change.accept(next);
            check(next);
            current = Collections.unmodifiableMap(next);
            publish.accept(current);
        }
    }

    private void check(Map<String, String> m) {
        if (m.size() > 255) {
            throw new IllegalArgumentException("metadata has " + m.size() + " entries; at most 255 are allowed");
        }
        int size = 1;
        for (Map.Entry<String, String> e : m.entrySet()) {
            Objects.requireNonNull(e.getKey(), "metadata keys must not be null");
            Objects.requireNonNull(e.getValue(), "metadata values must not be null (key " + e.getKey() + ")");
            int k = e.getKey().getBytes(StandardCharsets.UTF_8).length;
            if (k > 255) {
                throw new IllegalArgumentException("metadata key '" + e.getKey().substring(0, 16)
                        + "...' is longer than 255 UTF-8 bytes");
            }
            size += 1 + k + 2 + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > maxBytes) {
            throw new IllegalArgumentException("metadata would take " + size + " bytes encoded; the limit is maxMetadataBytes = "
                    + maxBytes + " (raise it up to maxDatagramSize / 2, or store less)");
        }
    }
}
