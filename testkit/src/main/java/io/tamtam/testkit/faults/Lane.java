package io.tamtam.testkit.faults;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The packets of one direction of one link that cannot go at once: delayed, or held while a node is
 * frozen. First in, first out; bounded by {@link FaultInjector#MAX_HELD_PER_LINK} packets and
 * {@link FaultInjector#MAX_HELD_BYTES_PER_LINK} bytes. Only the injector's scheduler thread delivers from
 * it, so deliveries keep their order.
 */
final class Lane {

    /** What {@link #offer} did with a packet. */
    enum Offer { QUEUED, FULL, CLOSED }

    private final FaultInjector injector;
    private final String name;
    private final LongSupplier gate;
    private final ArrayDeque<Held> queue = new ArrayDeque<>();
    private long bytes;
    private boolean draining;
    private boolean closed;

    /**
     * @param injector the owner of the scheduler
     * @param name     "from -> to", for messages
     * @param gate     the current verdict of the link, {@link Rules#DROP}, {@link Rules#HOLD} or not negative
     */
    Lane(FaultInjector injector, String name, LongSupplier gate) {
        this.injector = injector;
        this.name = name;
        this.gate = gate;
    }

    String name() {
        return name;
    }

    /** @return true when nothing waits, so a packet that may pass now can be delivered by the caller */
    synchronized boolean idle() {
        return queue.isEmpty() && !draining && !closed;
    }

    /**
     * Queues a packet behind those that wait; it is delivered once the gate opens and its delay is over.
     *
     * @param held       the packet
     * @param delayNanos how long after now it may be delivered at the earliest
     * @return {@link Offer#FULL} or {@link Offer#CLOSED} when the packet was not taken
     */
    Offer offer(Held held, long delayNanos) {
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (queue.size() >= FaultInjector.MAX_HELD_PER_LINK
                    || bytes + held.bytes() > FaultInjector.MAX_HELD_BYTES_PER_LINK) {
                return Offer.FULL;
            }
            held.notBefore = System.nanoTime() + delayNanos;
            queue.add(held);
            bytes += held.bytes();
        }
        injector.pumpLater(this, delayNanos);
        return Offer.QUEUED;
    }

    /** Delivers or drops, in order, every packet at the head that may go now. Scheduler thread only. */
    void pump() {
        for (;;) {
            List<Held> out = new ArrayList<>();
            synchronized (this) {
                long now = System.nanoTime();
                while (!queue.isEmpty()) {
                    Held h = queue.peek();
                    long verdict = gate.getAsLong();
                    if (verdict == Rules.HOLD || (verdict != Rules.DROP && h.notBefore - now > 0)) {
                        break;                       // a thaw or the scheduled pump resumes
                    }
                    queue.poll();
                    bytes -= h.bytes();
                    h.dropped = verdict == Rules.DROP;
                    out.add(h);
                }
                draining = !out.isEmpty();
                if (!draining) {
                    return;
                }
            }
            for (Held h : out) {
                if (h.dropped) {
                    injector.countDropped();
                    h.drop("the link " + name + " is cut by the fault injector");
                } else {
                    h.deliver();
                }
            }
        }
    }

    /** Drops every waiting packet and refuses new ones. */
    void close(String why) {
        List<Held> out;
        synchronized (this) {
            closed = true;
            out = new ArrayList<>(queue);
            queue.clear();
            bytes = 0;
        }
        for (Held h : out) {
            h.drop(why);
        }
    }

    /** A packet, frame or stream that waits in a lane. */
    abstract static class Held {
        private final int bytes;
        long notBefore;
        boolean dropped;

        Held(int bytes) {
            this.bytes = bytes;
        }

        int bytes() {
            return bytes;
        }

        /** Sends or hands over the packet now. */
        abstract void deliver();

        /** The packet will not go: fail its future, close its stream, or forget it. */
        abstract void drop(String why);

        static Held of(int bytes, Runnable deliver, java.util.function.Consumer<String> drop) {
            return new Held(bytes) {
                @Override
                void deliver() {
                    deliver.run();
                }

                @Override
                void drop(String why) {
                    drop.accept(why);
                }
            };
        }
    }
}
