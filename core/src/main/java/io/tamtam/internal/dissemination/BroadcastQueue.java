package io.tamtam.internal.dissemination;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Items waiting to be piggybacked, each sent a limited number of times, freshest (fewest transmissions,
 * then newest) first. A newer item with the same key replaces the older one (a newer state of the same
 * node). Bounded in items and in bytes ({@link #MAX_BYTES}): when full, the item that has spread the
 * furthest is evicted and counted; a user broadcast is refused rather than evicting an item that was
 * never sent.
 * Protocol thread only.
 */
public final class BroadcastQueue {

    /** One queued item. */
    public static final class Item {
        final Object key;
        final byte[] bytes;
        final long id;
        int transmits;
        final Runnable onDone;

        Item(Object key, byte[] bytes, long id, Runnable onDone) {
            this.key = key;
            this.bytes = bytes;
            this.id = id;
            this.onDone = onDone;
        }

        /** @return the encoded message (type byte, then fields) */
        public byte[] bytes() {
            return bytes;
        }
    }

    private static final Comparator<Item> ORDER = Comparator.<Item>comparingInt(i -> i.transmits)
            .thenComparing(Comparator.<Item>comparingLong(i -> i.id).reversed());

    /** Most bytes of queued items: 32 MiB (relayed broadcasts may each be as large as a frame). */
    public static final long MAX_BYTES = 32L << 20;

    /**
     * Items {@link #take} passes over, not fitting the room left, before it stops looking: without a
     * bound a nearly full packet would walk the whole queue (thousands of items during a join storm)
     * on every send.
     */
    static final int MAX_SKIPPED = 32;

    private final TreeSet<Item> ordered = new TreeSet<>(ORDER);
    /** No item is longer than this (reset when the queue empties), so most rounds skip {@link #takeLarge}'s scan. */
    private int longest;
    private final Map<Object, Item> byKey = new HashMap<>();
    private final int capacity;
    private long nextId;
    private final long maxBytes;
    // Written on the protocol thread only; volatile so that stats can read them from any thread.
    private volatile int size;
    private volatile long bytes;
    private volatile long evicted;
    private volatile long expired;
    private volatile long heard;

    /** @param capacity most items held */
    public BroadcastQueue(int capacity) {
        this(capacity, MAX_BYTES);
    }

    /**
     * @param capacity most items held
     * @param maxBytes most bytes held
     */
    public BroadcastQueue(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /**
     * Queues an item. When the queue is full, the item that has spread the furthest is evicted and
     * counted; if even that one was never sent, the new item is refused unless {@code evictUnsent}.
     *
     * @param key         identifies what the item is about; a queued item with the same key is replaced
     * @param bytes       the encoded message
     * @param onDone      run when the item is retired (sent enough times, replaced or evicted), or null
     * @param evictUnsent whether an item never sent may be evicted to make room (membership changes)
     * @return false when the item was refused because the queue is full of unsent items
     */
    public boolean add(Object key, byte[] bytes, Runnable onDone, boolean evictUnsent) {
        Item old = byKey.remove(key);
        if (old != null) {
            ordered.remove(old);
            retire(old);
        }
        if (bytes.length > maxBytes) {
            evicted = evicted + 1;
            size = ordered.size();
            return false;
        }
        while (ordered.size() >= capacity || this.bytes + bytes.length > maxBytes) {
            Item victim = ordered.last();
            if (victim.transmits == 0 && !evictUnsent) {
                size = ordered.size();
                return false;
            }
            ordered.pollLast();
            byKey.remove(victim.key);
            evicted = evicted + 1;
            retire(victim);
        }
        Item it = new Item(key, bytes, nextId++, onDone);
        if (ordered.isEmpty()) {
            longest = 0;
        }
        longest = Math.max(longest, bytes.length);
        ordered.add(it);
        byKey.put(key, it);
        this.bytes = this.bytes + bytes.length;
        size = ordered.size();
        return true;
    }

    /**
     * Queues an item, evicting whatever spread the furthest when full.
     *
     * @param key    identifies what the item is about
     * @param bytes  the encoded message
     * @param onDone run when the item is retired, or null
     */
    public void add(Object key, byte[] bytes, Runnable onDone) {
        add(key, bytes, onDone, true);
    }

    private void retire(Item it) {
        bytes = bytes - it.bytes.length;
        if (it.onDone != null) {
            it.onDone.run();
        }
    }

    /**
     * Takes items for one packet and counts a transmission for each.
     *
     * @param budget          bytes available
     * @param perItemOverhead bytes the packet adds per item
     * @param maxItems        most items
     * @param transmitLimit   an item sent this many times is retired
     * @return the items' bytes, possibly empty
     */
    public List<byte[]> take(int budget, int perItemOverhead, int maxItems, int transmitLimit) {
        List<byte[]> out = new ArrayList<>();
        if (ordered.isEmpty() || maxItems <= 0) {
            return out;
        }
        List<Item> taken = new ArrayList<>();
        Iterator<Item> it = ordered.iterator();
        int left = budget;
        int skipped = 0;
        while (it.hasNext() && out.size() < maxItems && left > perItemOverhead && skipped <= MAX_SKIPPED) {
            Item i = it.next();
            int need = i.bytes.length + perItemOverhead;
            if (need <= left) {
                left -= need;
                out.add(i.bytes);
                taken.add(i);
                it.remove();
            } else {
                skipped++;
            }
        }
        for (Item i : taken) {
            count(i, 1, transmitLimit);
        }
        size = ordered.size();
        return out;
    }

    /** Adds transmissions to an item taken out of the order: retires it at the limit, else puts it back. */
    private void count(Item i, int transmissions, int transmitLimit) {
        i.transmits += transmissions;
        if (i.transmits >= transmitLimit) {
            byKey.remove(i.key);
            expired = expired + 1;
            retire(i);
        } else {
            ordered.add(i);
        }
    }

    /**
     * Counts, for the queued item with this key, news heard again from another node: that node had it
     * already, so the item has spread, and it is retired sooner. Only an item of the given type counts.
     *
     * @param key           what the item is about
     * @param type          the item's message type (its first byte)
     * @param weight        transmissions this counts as
     * @param transmitLimit an item sent this many times is retired
     * @return whether a queued item was counted
     */
    public boolean heard(Object key, int type, int weight, int transmitLimit) {
        Item i = byKey.get(key);
        if (i == null || i.bytes.length == 0 || (i.bytes[0] & 0xFF) != type) {
            return false;
        }
        ordered.remove(i);
        heard = heard + 1;
        count(i, weight, transmitLimit);
        size = ordered.size();
        return true;
    }

    /**
     * Takes the items too large to piggyback in a datagram, counting a transmission for each.
     *
     * @param threshold     items larger than this are taken (they cannot be piggybacked)
     * @param transmitLimit an item sent this many times is retired
     * @return their bytes
     */
    public List<byte[]> takeLarge(int threshold, int transmitLimit) {
        List<byte[]> out = new ArrayList<>();
        if (longest <= threshold) {
            return out;
        }
        List<Item> taken = new ArrayList<>();
        for (Item i : ordered) {
            if (i.bytes.length > threshold) {
                taken.add(i);
            }
        }
        for (Item i : taken) {
            ordered.remove(i);
            out.add(i.bytes);
            count(i, 1, transmitLimit);
        }
        size = ordered.size();
        return out;
    }

    /** @return items queued; any thread */
    public int size() {
        return size;
    }

    /** @return bytes of the items queued; any thread */
    public long bytes() {
        return bytes;
    }

    /** @return items evicted because the queue was full; any thread */
    public long evicted() {
        return evicted;
    }

    /** @return items retired because they had been sent their transmit limit of times; any thread */
    public long expired() {
        return expired;
    }

    /** @return items counted as heard again from another node ({@link #heard}); any thread */
    public long heard() {
        return heard;
    }

    /** Retires every item. */
    public void clear() {
        for (Item i : ordered) {
            retire(i);
        }
        ordered.clear();
        byKey.clear();
        size = 0;
    }
}
