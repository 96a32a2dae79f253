package io.tamtam.internal.messaging;

import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.WireFormat;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * This node's reliable messages to one remote, in their lane order, waiting to be written. The first
 * message finds the lane idle and is written at once, alone; messages sent while a write of the lane is
 * pending wait here and go together when it completes, as one compound packet (at most
 * {@link WireFormat#COMPOUND_MAX_ITEMS} messages and {@link #BATCH_BYTES} bytes of payload; a payload of
 * more than {@link #ALONE_BYTES} bytes goes in a packet of its own). Bounded by {@link #MAX_QUEUED_BYTES}
 * of payload: past it a message is refused. Thread-safe.
 */
public final class OutboundLane {
    /** Most payload bytes waiting in one lane: 64 MiB. */
    public static final long MAX_QUEUED_BYTES = 64L << 20;
    /** Most payload bytes put into one compound packet: 64 KiB. */
    static final int BATCH_BYTES = 64 << 10;
    /** A payload larger than this goes in a packet of its own: 16 KiB. */
    static final int ALONE_BYTES = 16 << 10;

    /** One waiting message and where it goes. */
    public record Entry(Message.Reliable message, InetSocketAddress to) {
    }

    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private long nextOrder = 1;
    private long queuedBytes;
    private boolean writing;

    /** @return the next place in the lane, taken; call under {@link #lock()} with {@link #offer} */
    long takeOrder() {
        return nextOrder++;
    }

    /** @return the monitor that orders taking a place and offering the message */
    Object lock() {
        return this;
    }

    /**
     * Adds a message; under {@link #lock()}.
     *
     * @param entry the message, its order taken by {@link #takeOrder()}
     * @return the batch to write now (the lane was idle: it is writing from now on), or null: the message
     *         waits for the pending write
     */
    List<Entry> offer(Entry entry) {
        queuedBytes += entry.message().payload().length;
        queue.add(entry);
        if (writing) {
            return null;
        }
        writing = true;
        return takeLocked();
    }

    /** @return whether a message of this many payload bytes would exceed the bound; under {@link #lock()} */
    boolean full(int bytes) {
        return queuedBytes + bytes > MAX_QUEUED_BYTES && queuedBytes > 0;
    }

    /**
     * The pending write completed: the next batch, or null when nothing waits (the lane is idle).
     *
     * @return the messages to write next, in order, all to one address
     */
    synchronized List<Entry> next() {
        if (queue.isEmpty()) {
            writing = false;
            return null;
        }
        return takeLocked();
    }

    private List<Entry> takeLocked() {
        Entry first = queue.poll();
        int bytes = first.message().payload().length;
        List<Entry> batch = new ArrayList<>(Math.min(queue.size() + 1, WireFormat.COMPOUND_MAX_ITEMS));
        batch.add(first);
        if (bytes <= ALONE_BYTES) {
            Entry e;
            while (batch.size() < WireFormat.COMPOUND_MAX_ITEMS && (e = queue.peek()) != null
                    && e.message().payload().length <= ALONE_BYTES
                    && bytes + e.message().payload().length <= BATCH_BYTES
                    && (e.to() == first.to() || e.to().equals(first.to()))) {
                queue.poll();
                bytes += e.message().payload().length;
                batch.add(e);
            }
        }
        queuedBytes -= bytes;
        return batch;
    }

    /** @return messages waiting, not yet written */
    public synchronized int waiting() {
        return queue.size();
    }
}
