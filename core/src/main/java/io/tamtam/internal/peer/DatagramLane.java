package io.tamtam.internal.peer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The best-effort messages waiting for one remote: items gathered into the next datagram, and packets
 * held until the remote's burst window has room. State only; {@link io.tamtam.internal.Coalescer} holds
 * this object's lock while it changes it.
 */
public final class DatagramLane {
    /** Items of the next datagram. */
    public List<byte[]> items = new ArrayList<>();
    /** Bytes of {@link #items}, each with its compound overhead. */
    public int itemBytes;
    /** Whether a flush of {@link #items} is scheduled. */
    public boolean flushScheduled;
    /** Encoded packets waiting for room in the burst window, oldest first. */
    public final ArrayDeque<byte[]> held = new ArrayDeque<>();
    /** Bytes of {@link #held}. */
    public long heldBytes;
    /** Whether a release of {@link #held} is scheduled. */
    public boolean releaseScheduled;

    DatagramLane() {
    }

    /** @return the gathered items, leaving none; {@code null} when there are none */
    public List<byte[]> takeItems() {
        if (items.isEmpty()) {
            return null;
        }
        List<byte[]> taken = items;
        items = new ArrayList<>(Math.max(8, taken.size()));
        itemBytes = 0;
        return taken;
    }
}
