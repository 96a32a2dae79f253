package io.tamtam.internal.runtime;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound, in bytes and in items, on what remote input may make a node hold in one place, such as the
 * items waiting for handlers or the packets waiting for the protocol thread. What does not fit is
 * refused by the caller (and counted there). Thread-safe.
 */
public final class ByteBudget {
    /** What one held item costs beyond its payload (its record, the task, the queue entry). */
    public static final int OVERHEAD_BYTES = 128;

    private final long maxBytes;
    private final long maxItems;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong items = new AtomicLong();

    /**
     * @param maxBytes    most bytes held
     * @param maxItems most items held
     */
    public ByteBudget(long maxBytes, long maxItems) {
        this.maxBytes = maxBytes;
        this.maxItems = maxItems;
    }

    /**
     * @param payloadBytes the item's size
     * @return whether it fits; if so the caller must {@link #release} the same size later
     */
    public boolean tryAcquire(int payloadBytes) {
        long cost = (long) payloadBytes + OVERHEAD_BYTES;
        if (items.incrementAndGet() > maxItems) {
            items.decrementAndGet();
            return false;
        }
        if (bytes.addAndGet(cost) > maxBytes) {
            bytes.addAndGet(-cost);
            items.decrementAndGet();
            return false;
        }
        return true;
    }

    /** @param payloadBytes the size given to a successful {@link #tryAcquire} */
    public void release(int payloadBytes) {
        bytes.addAndGet(-((long) payloadBytes + OVERHEAD_BYTES));
        items.decrementAndGet();
    }

    /**
     * Takes room for several items at once: all of them or none.
     *
     * @param payloadBytes the items' sizes added up
     * @param count        how many items
     * @return whether they all fit; if so the caller must {@link #release(long, int)} the same later
     */
    public boolean tryAcquire(long payloadBytes, int count) {
        long cost = payloadBytes + (long) count * OVERHEAD_BYTES;
        if (items.addAndGet(count) > maxItems) {
            items.addAndGet(-count);
            return false;
        }
        if (bytes.addAndGet(cost) > maxBytes) {
            bytes.addAndGet(-cost);
            items.addAndGet(-count);
            return false;
        }
        return true;
    }

    /**
     * @param payloadBytes the sizes of items acquired before, added up
     * @param count        how many items
     */
    public void release(long payloadBytes, int count) {
        bytes.addAndGet(-(payloadBytes + (long) count * OVERHEAD_BYTES));
        items.addAndGet(-count);
    }

    /** @return bytes held now */
    public long bytes() {
        return bytes.get();
    }

    /** @return items held now */
    public long items() {
        return items.get();
    }

    /** @return the bound on bytes */
    public long maxBytes() {
        return maxBytes;
    }

    /** @return the bound on items */
    public long maxItems() {
        return maxItems;
    }
}
