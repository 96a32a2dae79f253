package io.tamtam.internal.messaging;

import io.tamtam.internal.runtime.ByteBudget;

import io.tamtam.spi.Scheduler;

import java.util.Map;
import java.util.TreeMap;

/**
 * Puts each sender's reliable messages back in the order they were sent. Frames on one connection
 * arrive in order, but a frame re-sent after its connection broke can arrive after later ones; such an
 * early message is held until the gap before it fills. A gap that does not fill within the wait (its
 * message failed for good, and its sender was told) is skipped. Held messages are bounded per sender
 * ({@link #MAX_HELD}; past it the gap is skipped) and, in bytes, by the node's {@link ByteBudget}
 * (past it the message is refused). The state lives in each sender's session ({@link Lane}).
 * Thread-safe.
 */
public final class InOrder {
    /** Most messages held per sender while a gap is open. */
    public static final int MAX_HELD = 4096;

    /** What happened to an arriving message. */
    public enum Outcome {
        /** Handed on now (possibly with held successors). */
        DELIVERED,
        /** Held until the gap before it fills. */
        HELD,
        /** Already handed on before: acknowledge it again, do not handle it twice. */
        DUPLICATE,
        /** The same message is held already: drop this copy; the held one is answered when handed on. */
        HELD_ALREADY,
        /** Early, and the inbound budget has no room to hold it: refuse it. */
        REFUSED
    }

    /** One sender's ordering state. */
    public static final class Lane {
        private long id;
        private boolean started;
        private long next = 1;
        private final TreeMap<Long, Held> held = new TreeMap<>();
        private Scheduler.Cancellable gapTimer;

        /** Where messages handed on go while a packet of the sender is read; guarded by the lane. */
        private Messaging.Batch gathering;

        /** @return whether messages are held */
        public synchronized boolean holding() {
            return !held.isEmpty();
        }

        /** @return messages held; under the lane's monitor */
        int heldCount() {
            return held.size();
        }

        /** @param batch where messages handed on go from now, or null; under the lane's monitor */
        void gathering(Messaging.Batch batch) {
            gathering = batch;
        }

        /** @return the batch being gathered, or null; under the lane's monitor */
        Messaging.Batch gathering() {
            return gathering;
        }
    }

    private record Held(int bytes, Runnable deliver) {
    }

    private final Scheduler scheduler;
    private final long gapWaitNanos;
    private final ByteBudget budget;

    /**
     * @param scheduler    runs the gap timers
     * @param gapWaitNanos how long a gap may stay open
     * @param budget       bounds the bytes held
     */
    public InOrder(Scheduler scheduler, long gapWaitNanos, ByteBudget budget) {
        this.scheduler = scheduler;
        this.gapWaitNanos = gapWaitNanos;
        this.budget = budget;
    }

    /**
     * @param lane    the sender's lane
     * @param laneId  the sender's lane id
     * @param order   the message's place in the lane
     * @param bytes   the message's payload size
     * @param deliver hands the message on; must not block
     * @return what was done with it
     */
    public Outcome accept(Lane lane, long laneId, long order, int bytes, Runnable deliver) {
        synchronized (lane) {
            if (!lane.started || lane.id != laneId) {
                // A new lane: the sender's first message, or it forgot this node or restarted with the same id.
                flushHeld(lane);
                lane.started = true;
                lane.id = laneId;
                lane.next = 1;
            }
            if (order < lane.next) {
                return Outcome.DUPLICATE;
            }
            if (lane.held.containsKey(order)) {
                // A resend of an early message: never held twice, so that repeats of one early message
                // cannot take the node's inbound budget.
                return Outcome.HELD_ALREADY;
            }
            if (order > lane.next) {
                if (lane.held.size() >= MAX_HELD) {
                    flushHeld(lane);
                    lane.next = order;
                } else if (!budget.tryAcquire(bytes)) {
                    return Outcome.REFUSED;
                } else {
                    lane.held.put(order, new Held(bytes, deliver));
                    if (lane.gapTimer == null) {
                        lane.gapTimer = scheduler.schedule(() -> skipGap(lane), gapWaitNanos);
                    }
                    return Outcome.HELD;
                }
            }
            deliver.run();
            lane.next = order + 1;
            drain(lane);
            return Outcome.DELIVERED;
        }
    }

    private void drain(Lane lane) {
        Held h;
        while ((h = lane.held.remove(lane.next)) != null) {
            budget.release(h.bytes());
            h.deliver().run();
            lane.next++;
        }
        if (lane.held.isEmpty() && lane.gapTimer != null) {
            lane.gapTimer.cancel();
            lane.gapTimer = null;
        }
    }

    private void skipGap(Lane lane) {
        synchronized (lane) {
            lane.gapTimer = null;
            if (!lane.held.isEmpty()) {
                lane.next = lane.held.firstKey();
                drain(lane);
                if (!lane.held.isEmpty() && lane.gapTimer == null) {
                    lane.gapTimer = scheduler.schedule(() -> skipGap(lane), gapWaitNanos);
                }
            }
        }
    }

    private void flushHeld(Lane lane) {
        for (Map.Entry<Long, Held> e : lane.held.entrySet()) {
            budget.release(e.getValue().bytes());
            e.getValue().deliver().run();
        }
        lane.held.clear();
        if (lane.gapTimer != null) {
            lane.gapTimer.cancel();
            lane.gapTimer = null;
        }
    }

    /** @param lane a session that goes: its held messages are handed on in order */
    public void release(Lane lane) {
        synchronized (lane) {
            flushHeld(lane);
        }
    }
}
