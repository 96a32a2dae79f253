package io.tamtam.internal.messaging;

import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.spi.Scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The positive acknowledgements of one sender's reliable messages, collected while that sender's
 * delivery lane has more of its messages queued and sent together in one packet: when the lane has
 * nothing more queued, at {@link WireFormat#COMPOUND_MAX_ITEMS} acknowledgements, or at the latest
 * {@link #MAX_DELAY_NANOS} after the first one waited (so a handler that blocks holds back the
 * acknowledgements of the messages before it by at most that long). Bounded by those
 * {@link WireFormat#COMPOUND_MAX_ITEMS} items. Thread-safe.
 */
public final class AckBatch {
    /** Longest an acknowledgement waits for others: 2 ms. */
    static final long MAX_DELAY_NANOS = 2_000_000L;

    private List<Message> items = new ArrayList<>();
    private boolean timerArmed;

    /**
     * @param ack       an acknowledgement
     * @param more      whether the sender's lane has more messages queued after this one
     * @param send      sends a list of messages in one packet
     * @param scheduler runs the latest flush
     */
    public void add(Message.ReliableAck ack, boolean more, Consumer<List<Message>> send, Scheduler scheduler) {
        List<Message> now = null;
        boolean arm = false;
        synchronized (this) {
            items.add(ack);
            if (!more || items.size() >= WireFormat.COMPOUND_MAX_ITEMS) {
                now = takeLocked();
            } else if (!timerArmed) {
                timerArmed = true;
                arm = true;
            }
        }
        if (now != null) {
            send.accept(now);
        }
        if (arm) {
            scheduler.schedule(() -> flushLate(send), MAX_DELAY_NANOS);
        }
    }

    /** @return acknowledgements waiting now */
    public synchronized int waiting() {
        return items.size();
    }

    private void flushLate(Consumer<List<Message>> send) {
        List<Message> now;
        synchronized (this) {
            timerArmed = false;
            now = items.isEmpty() ? null : takeLocked();
        }
        if (now != null) {
            send.accept(now);
        }
    }

    private List<Message> takeLocked() {
        List<Message> out = items;
        items = new ArrayList<>();
        return out;
    }
}
