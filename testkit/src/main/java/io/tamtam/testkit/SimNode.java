package io.tamtam.testkit;

import io.tamtam.Cluster;
import io.tamtam.spi.Scheduler;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One node of a {@link SimNetwork}: a real {@link Cluster} running on the network's virtual clock, event
 * loop and in-memory transports, plus the faults that can befall its process.
 *
 * <ul>
 *   <li>{@link #pause()} / {@link #resume()}: a stop-the-world stall (a long GC, a frozen VM). While
 *       paused the node runs nothing; its timers and the packets that reach it are held and handled late,
 *       in order, when it resumes. Packets in flight keep flying.</li>
 *   <li>{@link #readLag(java.time.Duration)}: the thread that reads the node's sockets is behind (starved
 *       of CPU) while its timers run on time: each datagram and frame that reaches the node waits that
 *       long before the node reads it.</li>
 *   <li>{@link #crash()}: the process dies. Its transports stop sending and receiving at once, its tasks
 *       are dropped forever and its cluster object is closed without a word to anyone.</li>
 * </ul>
 *
 * <p>Threading: call the fault methods from the thread that drives the network (also from inside a task
 * or a callback).
 */
public final class SimNode {

    private final SimNetwork network;
    private final int index;
    private final InetSocketAddress address;
    private final UUID id;
    private final String shortId;
    private final NodeScheduler scheduler;
    private final SimCounters counters = new SimCounters();
    private Map<SimNode, DirectedLink> outLinks;
    private Cluster cluster;
    private SimDatagramTransport datagramTransport;
    private SimStreamTransport streamTransport;
    private boolean crashed;
    private long readLagNanos;

    SimNode(SimNetwork network, int index, InetSocketAddress address, UUID id) {
        this.network = network;
        this.index = index;
        this.address = address;
        this.id = id;
        this.shortId = shortId(id);
        this.scheduler = new NodeScheduler(network.scheduler(), shortId);
    }

    /**
     * @param id a node id
     * @return the short form used in traces and failure reports: the last 8 hex digits, which a UUIDv7
     *         fills with random bits
     */
    public static String shortId(UUID id) {
        String s = Long.toHexString(id.getLeastSignificantBits() & 0xFFFF_FFFFL);
        return "00000000".substring(s.length()) + s;
    }

    /**
     * @return the node's cluster; drive it (join, broadcast, ...) from the thread that drives the network
     * @throws IllegalStateException for a node created without one (the simulator's own tests)
     */
    public Cluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("node " + shortId + " has no cluster: it was created for transport "
                    + "tests; use SimNetwork.addNode() for a node running the protocol");
        }
        return cluster;
    }

    /** @return the node id */
    public UUID id() {
        return id;
    }

    /** @return {@link #shortId(UUID)} of this node's id */
    public String shortId() {
        return shortId;
    }

    /** @return the node's simulated address, 127.x.y.z port 7946; never bound to a real socket */
    public InetSocketAddress address() {
        return address;
    }

    /** @return the order in which the node was added to the network, from 0 */
    public int index() {
        return index;
    }

    /** @return the node's view of the event loop, the scheduler its cluster runs on */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** @return the node's traffic counters */
    public SimCounters counters() {
        return counters;
    }

    /**
     * Stalls the node: nothing of it runs until {@link #resume()}. Idempotent; no effect on a crashed
     * node.
     */
    public void pause() {
        network.scheduler().checkDriver("pause");
        scheduler.pause();
    }

    /**
     * Makes each datagram and frame sent to this node from now on wait this long in its sockets before
     * the node reads it (its receiving thread is behind); zero ends it.
     *
     * @param lag how far behind the reading is
     */
    public void readLag(java.time.Duration lag) {
        network.scheduler().checkDriver("readLag");
        if (lag.isNegative()) {
            throw new IllegalArgumentException("a read lag cannot be negative: " + lag);
        }
        readLagNanos = lag.toNanos();
    }

    /** @return how long a datagram or frame that reaches this node waits before it is read */
    long readLagNanos() {
        return readLagNanos;
    }

    /** Ends a {@link #pause()}: the held timers and packets run now, in order. Idempotent. */
    public void resume() {
        network.scheduler().checkDriver("resume");
        scheduler.resume();
    }

    /**
     * Kills the node: its transports stop sending and receiving at once (packets already in flight to
     * others still arrive), its tasks are dropped, its streams break, and its cluster is closed without
     * sending anything. Idempotent.
     */
    public void crash() {
        network.scheduler().checkDriver("crash");
        if (crashed) {
            return;
        }
        crashed = true;
        scheduler.crash();
        if (streamTransport != null) {
            streamTransport.breakStreams();
        }
        network.closeQuietly(this);
    }

    /** @return whether {@link #crash()} was called */
    public boolean isCrashed() {
        return crashed;
    }

    /** @return whether the node is paused */
    public boolean isPaused() {
        return scheduler.state() == NodeScheduler.State.PAUSED;
    }

    /**
     * @return whether the node takes part in the network: not crashed, and its datagram transport bound and
     *         not closed (a node whose cluster was closed after a leave is not up)
     */
    public boolean isUp() {
        return !crashed && datagramTransport != null && datagramTransport.isOpen();
    }

    @Override
    public String toString() {
        return "SimNode[" + index + ", " + shortId + ", " + address + (crashed ? ", crashed" : "")
                + (isPaused() ? ", paused" : "") + "]";
    }

    // ------------------------------------------------------------------ package-private

    NodeScheduler view() {
        return scheduler;
    }

    void attach(Cluster c) {
        cluster = c;
    }

    Cluster clusterOrNull() {
        return cluster;
    }

    SimDatagramTransport datagramTransport() {
        return datagramTransport;
    }

    SimStreamTransport streamTransport() {
        return streamTransport;
    }

    void datagramTransport(SimDatagramTransport t) {
        datagramTransport = t;
    }

    void streamTransport(SimStreamTransport t) {
        streamTransport = t;
    }

    /** @return the settings of the link to {@code to}, or null when it follows the defaults */
    DirectedLink linkTo(SimNode to) {
        return outLinks == null ? null : outLinks.get(to);
    }

    DirectedLink linkToCreate(SimNode to) {
        if (outLinks == null) {
            outLinks = new HashMap<>();
        }
        return outLinks.computeIfAbsent(to, k -> new DirectedLink());
    }

    void clearLinkLoss() {
        if (outLinks != null) {
            for (DirectedLink l : outLinks.values()) {
                l.loss = Double.NaN;
            }
        }
    }
}
