package io.tamtam.internal.dissemination;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Items waiting to be piggybacked, each sent a limited number of times, freshest first: fewest
 * transmissions, then, among items sent as often, the one that got to that count last (items never sent:
 * the newest). A newer item with the same key replaces the older one (a newer state of the same node).
 * Bounded in items and in bytes ({@link #MAX_BYTES}): when full, the item that has spread the furthest is
 * evicted and counted; a user broadcast is refused rather than evicting an item that was never sent.
 * <p>
 * The order is kept in one linked list per transmission count, linked through the items themselves:
 * taking, counting and re-ordering an item allocate nothing and cost O(1). (A sorted tree allocated an
 * entry each time an item moved, and linking young entries into a large old tree made the collector's
 * young pauses scan those old entries: with 1,000 nodes in one heap, pauses of 100–200 ms.)
 * Protocol thread only.
 */
public final class BroadcastQueue {

    /** One queued item. */
    public static final class Item {
        final Object key;
        final byte[] bytes;
        int transmits;
        final Runnable onDone;
        /** Neighbours in the list of items sent {@link #transmits} times. */
        Item prev;
        Item next;

        Item(Object key, byte[] bytes, Runnable onDone) {
            this.key = key;
            this.bytes = bytes;
            this.onDone = onDone;
        }

        /** @return the encoded message (type byte, then fields) */
        public byte[] bytes() {
            return bytes;
        }
    }

    /** Most bytes of queued items: 32 MiB (relayed broadcasts may each be as large as a frame). */
    public static final long MAX_BYTES = 32L << 20;

    /**
     * Items {@link #take} passes over, not fitting the room left, before it stops looking: without a
     * bound a nearly full packet would walk the whole queue (thousands of items during a join storm)
     * on every send.
     */
    static final int MAX_SKIPPED = 32;

    /** Per transmission count, the first and the last item of its list (null when none). */
    private Item[] heads = new Item[16];
    private Item[] tails = new Item[16];
    private int count;
    /** No item is longer than this (reset when the queue empties), so most rounds skip {@link #takeLarge}'s scan. */
    private int longest;
    private final Map<Object, Item> byKey = new HashMap<>();
    private final int capacity;
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
            unlink(old);
            retire(old);
        }
        if (bytes.length > maxBytes) {
            evicted = evicted + 1;
            size = count;
            return false;
        }
        while (count >= capacity || this.bytes + bytes.length > maxBytes) {
            Item victim = last();
            if (victim.transmits == 0 && !evictUnsent) {
                size = count;
                return false;
            }
            unlink(victim);
            byKey.remove(victim.key);
            evicted = evicted + 1;
            retire(victim);
        }
        Item it = new Item(key, bytes, onDone);
        if (count == 0) {
            longest = 0;
        }
        longest = Math.max(longest, bytes.length);
        linkFirst(it);
        byKey.put(key, it);
        this.bytes = this.bytes + bytes.length;
        size = count;
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
        if (count == 0 || maxItems <= 0) {
            return out;
        }
        List<Item> taken = new ArrayList<>();
        int left = budget;
        int skipped = 0;
        for (int t = 0; t < heads.length && out.size() < maxItems && left > perItemOverhead
                && skipped <= MAX_SKIPPED; t++) {
            Item i = heads[t];
            while (i != null && out.size() < maxItems && left > perItemOverhead && skipped <= MAX_SKIPPED) {
                Item next = i.next;
                int need = i.bytes.length + perItemOverhead;
                if (need <= left) {
                    left -= need;
                    out.add(i.bytes);
                    taken.add(i);
                    unlink(i);
                } else {
                    skipped++;
                }
                i = next;
            }
        }
        // Last taken first: each goes to the front of its new list, so they keep their order there.
        for (int k = taken.size() - 1; k >= 0; k--) {
            count(taken.get(k), 1, transmitLimit);
        }
        size = count;
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
            linkFirst(i);
        }
    }

    /** Puts an item at the front of the list for its transmission count. */
    private void linkFirst(Item i) {
        int t = i.transmits;
        if (t >= heads.length) {
            int n = Math.max(t + 1, 2 * heads.length);
            heads = Arrays.copyOf(heads, n);
            tails = Arrays.copyOf(tails, n);
        }
        Item h = heads[t];
        i.prev = null;
        i.next = h;
        if (h == null) {
            tails[t] = i;
        } else {
            h.prev = i;
        }
        heads[t] = i;
        count++;
    }

    /** Takes a queued item out of its list. */
    private void unlink(Item i) {
        int t = i.transmits;
        if (i.prev == null) {
            heads[t] = i.next;
        } else {
            i.prev.next = i.next;
        }
        if (i.next == null) {
            tails[t] = i.prev;
        } else {
            i.next.prev = i.prev;
        }
        i.prev = null;
        i.next = null;
        count--;
    }

    /** @return the item that has spread the furthest (the last of the highest count's list); the queue is not empty */
    private Item last() {
        for (int t = tails.length - 1; t >= 0; t--) {
            if (tails[t] != null) {
                return tails[t];
            }
        }
        throw new IllegalStateException("the queue is empty");
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
        unlink(i);
        heard = heard + 1;
        count(i, weight, transmitLimit);
        size = count;
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
        for (Item h : heads) {
            for (Item i = h; i != null; i = i.next) {
                if (i.bytes.length > threshold) {
                    taken.add(i);
                }
            }
        }
        for (Item i : taken) {
            unlink(i);
            out.add(i.bytes);
        }
        for (int k = taken.size() - 1; k >= 0; k--) {
            count(taken.get(k), 1, transmitLimit);
        }
        size = count;
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
        for (Item h : heads) {
            for (Item i = h; i != null; i = i.next) {
                retire(i);
            }
        }
        Arrays.fill(heads, null);
        Arrays.fill(tails, null);
        count = 0;
        byKey.clear();
        size = 0;
    }
}
