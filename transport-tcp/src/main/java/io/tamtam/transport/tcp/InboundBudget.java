package io.tamtam.transport.tcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The bytes one transport may hold at once for large inbound frames, across all its connections.
 * A frame reserves its whole length when its length prefix arrives and gives it back when the frame was
 * handed on or its connection died. A reservation that does not fit waits in line (first come, first
 * served: a waiting frame holds back later ones, so a stream of small-enough frames cannot starve a large
 * one) until releases make room. Shared by the TCP and WebSocket transports. Thread-safe.
 */
public final class InboundBudget {

    /** A connection waiting for room. */
    public interface Waiter {
        /**
         * The reservation was made for the waiter; called on the thread that released the room, outside
         * the budget's lock. The waiter owns the bytes from now on and must release them.
         *
         * @param bytes the bytes reserved
         */
        void granted(long bytes);
    }

    private record Pending(Waiter waiter, long bytes) {
    }

    private final long capacity;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private long used;

    /** @param capacity most bytes reserved at once */
    public InboundBudget(long capacity) {
        this.capacity = capacity;
    }

    /**
     * Reserves {@code bytes} now if they fit and nobody waits; otherwise puts {@code waiter} in line, to be
     * {@link Waiter#granted granted} later (or {@link #cancel cancelled}).
     *
     * @param waiter who waits when the bytes do not fit
     * @param bytes  at most the capacity
     * @return whether the bytes were reserved now
     */
    public synchronized boolean reserveOrWait(Waiter waiter, long bytes) {
        if (waiting.isEmpty() && used + bytes <= capacity) {
            used += bytes;
            return true;
        }
        waiting.add(new Pending(waiter, bytes));
        return false;
    }

    /**
     * Reserves {@code bytes} if they fit now and nobody waits; never waits.
     *
     * @param bytes the bytes
     * @return whether they were reserved
     */
    public synchronized boolean tryReserve(long bytes) {
        if (waiting.isEmpty() && used + bytes <= capacity) {
            used += bytes;
            return true;
        }
        return false;
    }

    /**
     * Leaves the line.
     *
     * @param waiter the waiter
     * @return {@code false} when it was no longer waiting: its grant was made and is on its way, and the
     *         waiter must release those bytes when it arrives
     */
    public boolean cancel(Waiter waiter) {
        List<Pending> granted;
        synchronized (this) {
            boolean removed = false;
            for (Iterator<Pending> it = waiting.iterator(); it.hasNext(); ) {
                if (it.next().waiter() == waiter) {
                    it.remove();
                    removed = true;
                    break;
                }
            }
            if (!removed) {
                return false;
            }
            granted = grantLocked(); // the head may have been the one holding the others back
        }
        notify(granted);
        return true;
    }

    /** @param bytes bytes reserved earlier, given back */
    public void release(long bytes) {
        if (bytes == 0) {
            return;
        }
        List<Pending> granted;
        synchronized (this) {
            used -= bytes;
            granted = grantLocked();
        }
        notify(granted);
    }

    /** @return the bytes reserved now */
    public synchronized long used() {
        return used;
    }

    private List<Pending> grantLocked() {
        List<Pending> granted = null;
        Pending head;
        while ((head = waiting.peek()) != null && used + head.bytes() <= capacity) {
            waiting.poll();
            used += head.bytes();
            if (granted == null) {
                granted = new ArrayList<>(2);
            }
            granted.add(head);
        }
        return granted;
    }

    private static void notify(List<Pending> granted) {
        if (granted != null) {
            for (Pending pending : granted) {
                pending.waiter().granted(pending.bytes());
            }
        }
    }
}
