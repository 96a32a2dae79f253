package io.tamtam.internal;

import io.tamtam.DropReason;
import io.tamtam.internal.peer.DatagramLane;
import io.tamtam.internal.peer.Peer;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.spi.NanoClock;
import io.tamtam.spi.Scheduler;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Best-effort messages to one member, gathered into compound datagrams and paced by the member's burst
 * window. Thread-safe.
 *
 * <p>Gathering: a message joins the member's next datagram; a datagram that would pass the datagram
 * budget (or 255 items) is sealed and sent by the sending thread, and a flush task on the scheduler sends
 * what has gathered when it runs. A lone message therefore leaves as soon as the scheduler runs the
 * flush, and a burst leaves in full datagrams of about a dozen 100-byte messages each instead of one
 * datagram per message: the receiver's socket buffer, which the kernel charges per datagram, holds
 * ten times more messages.
 *
 * <p>Pacing: a datagram beyond {@link io.tamtam.ClusterConfig#datagramBurstLimit()} to the member within
 * {@link Outbox#BURST_WINDOW_NANOS} is held and released when the window has room again, rather than sent
 * into a socket buffer that cannot take it. Held datagrams are bounded ({@link #HELD_WINDOWS} windows'
 * worth, at most {@link #MAX_HELD_BYTES} per member); beyond that a datagram spills onto the stream path,
 * which has flow control. A spilled packet that cannot be written is counted as
 * {@link DropReason#SEND_FAILED}, and so is each datagram still gathering or held when the node closes
 * ({@link #close()}).
 */
public final class Coalescer {
    /** Held datagrams per member, in burst windows' worth: 16 (160 ms at the burst limit). */
    static final int HELD_WINDOWS = 16;
    /** Bytes of datagrams held per member at most: 4 MiB. */
    static final long MAX_HELD_BYTES = 4L << 20;
    /** How long held datagrams wait before a release tries the burst window again: a quarter window. */
    static final long RELEASE_DELAY_NANOS = Outbox.BURST_WINDOW_NANOS / 4;

    private final Outbox outbox;
    private final Scheduler scheduler;
    private final NanoClock clock;
    private final Stats stats;
    private final int burstLimit;
    private final int budget;
    /** Lanes with a flush or a release scheduled: what {@link #close()} counts. Changed under the lane's lock. */
    private final Set<DatagramLane> pending = ConcurrentHashMap.newKeySet();

    /**
     * @param outbox     where datagrams and spilled frames go
     * @param scheduler  runs flushes and releases
     * @param clock      measures burst windows
     * @param stats      counts what cannot be sent
     * @param burstLimit datagrams per member per window; 0 sends every datagram at once
     */
    public Coalescer(Outbox outbox, Scheduler scheduler, NanoClock clock, Stats stats, int burstLimit) {
        this.outbox = outbox;
        this.scheduler = scheduler;
        this.clock = clock;
        this.stats = stats;
        this.burstLimit = burstLimit;
        this.budget = outbox.datagramBudget();
    }

    /**
     * @param item an encoded message
     * @return whether the item fits one datagram with the per-item overhead, so {@link #send} takes it
     */
    public boolean fits(byte[] item) {
        return item.length + Outbox.perItemOverhead() <= budget;
    }

    /**
     * Adds a message to the member's next datagram.
     *
     * @param peer the member's session
     * @param to   its address
     * @param item an encoded message that {@link #fits}
     */
    public void send(Peer peer, InetSocketAddress to, byte[] item) {
        DatagramLane lane = peer.datagrams();
        int cost = item.length + Outbox.perItemOverhead();
        List<byte[]> full = null;
        boolean schedule = false;
        synchronized (lane) {
            if (!lane.items.isEmpty()
                    && (lane.itemBytes + cost > budget || lane.items.size() == WireFormat.COMPOUND_MAX_ITEMS)) {
                full = lane.takeItems();
            }
            lane.items.add(item);
            lane.itemBytes += cost;
            if (!lane.flushScheduled) {
                lane.flushScheduled = true;
                schedule = true;
                pending.add(lane);
            }
        }
        if (full != null) {
            pace(peer, lane, to, outbox.codec().encodeItems(full));
        }
        if (schedule) {
            scheduler.execute(() -> flush(peer, lane, to));
        }
    }

    private void flush(Peer peer, DatagramLane lane, InetSocketAddress to) {
        List<byte[]> items;
        synchronized (lane) {
            lane.flushScheduled = false;
            items = lane.takeItems();
            track(lane);
        }
        if (items != null) {
            pace(peer, lane, to, outbox.codec().encodeItems(items));
        }
    }

    private void pace(Peer peer, DatagramLane lane, InetSocketAddress to, byte[] packet) {
        if (packet.length > outbox.maxDatagram() || burstLimit == 0) {
            send(to, packet);
            return;
        }
        boolean now = false;
        boolean spill = false;
        boolean schedule = false;
        synchronized (lane) {
            if (lane.held.isEmpty() && peer.withinBurst(clock.nanoTime(), Outbox.BURST_WINDOW_NANOS, burstLimit)) {
                now = true;
            } else if (lane.held.size() < (long) burstLimit * HELD_WINDOWS
                    && lane.heldBytes + packet.length <= MAX_HELD_BYTES) {
                lane.held.add(packet);
                lane.heldBytes += packet.length;
                if (!lane.releaseScheduled) {
                    lane.releaseScheduled = true;
                    schedule = true;
                    pending.add(lane);
                }
            } else {
                spill = true;
            }
        }
        if (now) {
            outbox.sendDatagram(to, packet);
        } else if (spill) {
            spillOver(to, packet);
        }
        if (schedule) {
            scheduler.schedule(() -> release(peer, lane, to), RELEASE_DELAY_NANOS);
        }
    }

    private void release(Peer peer, DatagramLane lane, InetSocketAddress to) {
        List<byte[]> go = new ArrayList<>();
        boolean again;
        synchronized (lane) {
            long now = clock.nanoTime();
            while (!lane.held.isEmpty() && peer.withinBurst(now, Outbox.BURST_WINDOW_NANOS, burstLimit)) {
                byte[] p = lane.held.poll();
                lane.heldBytes -= p.length;
                go.add(p);
            }
            again = !lane.held.isEmpty();
            lane.releaseScheduled = again;
            track(lane);
        }
        for (byte[] p : go) {
            outbox.sendDatagram(to, p);
        }
        if (again) {
            scheduler.schedule(() -> release(peer, lane, to), RELEASE_DELAY_NANOS);
        }
    }

    /** Keeps {@link #pending} to the lanes with a flush or release scheduled; under the lane's lock. */
    private void track(DatagramLane lane) {
        if (!lane.flushScheduled && !lane.releaseScheduled) {
            pending.remove(lane);
        }
    }

    /**
     * Counts the datagrams still gathering or held, which the closed node's scheduler will not send, as
     * {@link DropReason#SEND_FAILED}, and forgets them.
     *
     * @return the datagrams counted
     */
    public int close() {
        int unsent = 0;
        for (DatagramLane lane : pending) {
            synchronized (lane) {
                unsent += lane.held.size() + (lane.takeItems() != null ? 1 : 0);
                lane.held.clear();
                lane.heldBytes = 0;
                lane.flushScheduled = false;
                lane.releaseScheduled = false;
                pending.remove(lane);
            }
        }
        for (int i = 0; i < unsent; i++) {
            stats.drop(DropReason.SEND_FAILED);
        }
        return unsent;
    }

    /** Sends a packet without pacing: by datagram if it fits, else by frame. */
    private void send(InetSocketAddress to, byte[] packet) {
        if (packet.length <= outbox.maxDatagram()) {
            outbox.sendDatagram(to, packet);
        } else {
            spillOver(to, packet);
        }
    }

    private void spillOver(InetSocketAddress to, byte[] packet) {
        outbox.sendFramePacket(to, packet).whenComplete((v, e) -> {
            if (e != null) {
                stats.drop(DropReason.SEND_FAILED);
            }
        });
    }
}
