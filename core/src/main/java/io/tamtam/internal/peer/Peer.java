package io.tamtam.internal.peer;

import io.tamtam.internal.messaging.AckBatch;
import io.tamtam.internal.messaging.InOrder;
import io.tamtam.internal.messaging.OutboundLane;
import io.tamtam.internal.runtime.SerialExecutor;

import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything this node keeps about one remote node. Thread-safe. The delivery lane and the ordering state
 * are made when the remote first sends a message: a member that only takes part in membership costs a
 * few fields here (a node keeps one peer per member).
 */
public final class Peer {
    private final UUID id;
    private final Executor callbacks;
    private volatile SerialExecutor delivery;
    private volatile InOrder.Lane inbound;
    private volatile AckBatch acks;
    private volatile OutboundLane outbound;
    private final long outboundLane = ThreadLocalRandom.current().nextLong();
    private long burstStart;
    private int burstCount;
    private volatile RoundTripWindow roundTrips;
    private volatile DatagramLane datagrams;

    Peer(UUID id, Executor callbacks) {
        this.id = id;
        this.callbacks = callbacks;
    }

    /** @return the remote node's id */
    public UUID id() {
        return id;
    }

    /** @return runs this sender's messages on the callback executor one at a time, in arrival order */
    public SerialExecutor delivery() {
        SerialExecutor d = delivery;
        if (d == null) {
            synchronized (this) {
                d = delivery;
                if (d == null) {
                    d = new SerialExecutor(callbacks);
                    delivery = d;
                }
            }
        }
        return d;
    }

    /** @return the best-effort messages waiting to go to this remote by datagram */
    public DatagramLane datagrams() {
        DatagramLane d = datagrams;
        if (d == null) {
            synchronized (this) {
                d = datagrams;
                if (d == null) {
                    d = new DatagramLane();
                    datagrams = d;
                }
            }
        }
        return d;
    }

    /** @return the ordering state of the reliable messages this remote sends */
    public InOrder.Lane inbound() {
        InOrder.Lane l = inbound;
        if (l == null) {
            synchronized (this) {
                l = inbound;
                if (l == null) {
                    l = new InOrder.Lane();
                    inbound = l;
                }
            }
        }
        return l;
    }

    /** @return the ordering state, or null when the remote never sent a reliable message */
    InOrder.Lane inboundIfStarted() {
        return inbound;
    }

    /** @return the acknowledgements of this remote's reliable messages waiting to be sent together */
    public AckBatch acks() {
        AckBatch a = acks;
        if (a == null) {
            synchronized (this) {
                a = acks;
                if (a == null) {
                    a = new AckBatch();
                    acks = a;
                }
            }
        }
        return a;
    }

    /** @return the id of this node's lane of reliable messages to the remote */
    public long outboundLane() {
        return outboundLane;
    }

    /** @return this node's reliable messages to the remote waiting to be written, made on first use */
    public OutboundLane outbound() {
        OutboundLane o = outbound;
        if (o == null) {
            synchronized (this) {
                o = outbound;
                if (o == null) {
                    o = new OutboundLane();
                    outbound = o;
                }
            }
        }
        return o;
    }

    /**
     * Counts one datagram to this remote in the current burst window.
     *
     * @param now    clock time
     * @param window the window's length
     * @param max    datagrams allowed per window
     * @return whether this datagram is within the allowance
     */
    public synchronized boolean withinBurst(long now, long window, int max) {
        if (now - burstStart >= window) {
            burstStart = now;
            burstCount = 0;
        }
        return ++burstCount <= max;
    }

    /** @param nanos the round trip of one of this node's probes of the remote, acked */
    public void probeRoundTrip(long nanos) {
        RoundTripWindow w = roundTrips;
        if (w == null) {
            synchronized (this) {
                w = roundTrips;
                if (w == null) {
                    w = new RoundTripWindow(io.tamtam.ClusterStats.ROUND_TRIP_WINDOW_PER_MEMBER);
                    roundTrips = w;
                }
            }
        }
        w.record(nanos);
    }

    /** @return the recent probe round trips of the remote, or null before the first */
    public RoundTripWindow roundTrips() {
        return roundTrips;
    }

    /** @return whether deliveries are queued or running */
    boolean busy() {
        SerialExecutor d = delivery;
        InOrder.Lane l = inbound;
        return (d != null && d.busy()) || (l != null && l.holding());
    }
}
