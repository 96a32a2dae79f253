package io.tamtam.internal.membership;

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
        for (Map.Entry<String, String> e : m.entrySet()) {
            Objects.requireNonNull(e.getKey(), "metadata keys must not be null");
            Objects.requireNonNull(e.getValue(), "metadata values must not be null (key " + e.getKey() + ")");
            if (utf8Length(e.getKey()) > 255) {
                throw new IllegalArgumentException("metadata key '" + e.getKey().substring(0, 16)
                        + "...' is longer than 255 UTF-8 bytes");
            }
        }
        long size = encodedSize(m);
        if (size > maxBytes) {
            throw new IllegalArgumentException("metadata would take " + size + " bytes encoded; the limit is maxMetadataBytes = "
                    + maxBytes + " (raise it up to maxDatagramSize / 2, or store less)");
        }
    }

    /**
     * @param m metadata entries
     * @return the bytes they take in a member record (PROTOCOL.md §9: a count, then each key as str8 and
     *         value as str16)
     */
    public static long encodedSize(Map<String, String> m) {
        long size = 1;
        for (Map.Entry<String, String> e : m.entrySet()) {
            size += 1 + utf8Length(e.getKey()) + 2 + utf8Length(e.getValue());
        }
        return size;
    }

    /** @return the UTF-8 length of {@code s}, without encoding it */
    private static long utf8Length(String s) {
        long n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    n += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    n += 2; // 4 bytes for the pair's 2 chars
                    i++;
                } else {
                    n += 2;
                }
            }
        }
        return n;
    }
}
