package io.tamtam.internal.messaging;

import io.tamtam.spi.Scheduler;

import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Puts each sender's reliable messages back in the order they were sent. Frames on one connection
 * arrive in order, but a frame re-sent after its connection broke can arrive after later ones; such an
 * early message is held until the gap before it fills. A gap that does not fill within the wait (its
 * message failed for good, and its sender was told) is skipped, and at most {@link #MAX_HELD} messages
 * are held per sender. Thread-safe.
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
        DUPLICATE
    }

    private static final class Lane {
        long id;
        long next = 1;
        final TreeMap<Long, Runnable> held = new TreeMap<>();
        Scheduler.Cancellable gapTimer;

        Lane(long id) {
            this.id = id;
        }
    }

    private final Map<UUID, Lane> lanes = new ConcurrentHashMap<>();
    private final Scheduler scheduler;
    private final long gapWaitNanos;

    /**
     * @param scheduler    runs the gap timers
     * @param gapWaitNanos how long a gap may stay open
     */
    public InOrder(Scheduler scheduler, long gapWaitNanos) {
        this.scheduler = scheduler;
        this.gapWaitNanos = gapWaitNanos;
    }

    /**
     * @param sender  the sending node
     * @param laneId  the sender's lane id
     * @param order   the message's place in the lane
     * @param deliver hands the message on; must not block
     * @return what was done with it
     */
    public Outcome accept(UUID sender, long laneId, long order, Runnable deliver) {
        Lane lane = lanes.computeIfAbsent(sender, s -> new Lane(laneId));
        synchronized (lane) {
            if (lane.id != laneId) {
                // The sender started a new lane (it forgot this node, or restarted with the same id).
                flushHeld(lane);
                lane.id = laneId;
                lane.next = 1;
            }
            if (order < lane.next) {
                return Outcome.DUPLICATE;
            }
            if (order > lane.next) {
                if (lane.held.size() >= MAX_HELD) {
                    flushHeld(lane);
                    lane.next = order;
                } else {
                    lane.held.put(order, deliver);
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
        Runnable r;
        while ((r = lane.held.remove(lane.next)) != null) {
            r.run();
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

    private static void flushHeld(Lane lane) {
        for (Runnable r : lane.held.values()) {
            r.run();
        }
        lane.held.clear();
        if (lane.gapTimer != null) {
            lane.gapTimer.cancel();
            lane.gapTimer = null;
        }
    }

    /** @param sender a removed node, whose lane can go */
    public void forget(UUID sender) {
        Lane lane = lanes.remove(sender);
        if (lane != null) {
            synchronized (lane) {
                flushHeld(lane);
            }
        }
    }
}
