package io.tamtam.testkit.faults;

import io.tamtam.ClusterConfig;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.Transports;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Crashes-without-closing, freezes, partitions, loss and delay over real transports, for tests of code
 * built on TamTam. Give every node of a test the transports of one injector, then turn faults on and off
 * while the nodes run:
 *
 * <pre>{@code
 * try (FaultInjector faults = new FaultInjector();
 *      Cluster a = Cluster.create(faults.configure(ClusterConfig.local()).build());
 *      Cluster b = Cluster.create(faults.configure(ClusterConfig.local()).build())) {
 *     b.join(a.localNode().address()).get(10, TimeUnit.SECONDS);
 *     faults.partition(List.of(a.localNode().address()), List.of(b.localNode().address()));
 *     // ... a and b declare each other dead
 *     faults.heal();
 * }
 * }</pre>
 * Close the injector after the nodes (a try-with-resources closes in reverse order): it owns a thread.
 *
 * <h2>Nodes and links</h2>
 * A node is named by the address its transports bind, which with {@link ClusterConfig#local()} is
 * {@code cluster.localNode().address()}. A node fault ({@link #freeze}, {@link #disconnect(InetSocketAddress)},
 * {@link #loss(InetSocketAddress, double)}, {@link #delay(InetSocketAddress, Duration)}) acts on
 * everything the node sends or receives; a link fault on one direction between two nodes; a
 * {@link #partition} on every direction from one set of nodes to another. Faults combine: a packet is
 * dropped if any fault drops it, its delays add up. {@link #heal()} removes every fault.
 *
 * <h2>What each path does</h2>
 * <ul>
 *   <li>Datagrams: a dropped or lost one is gone, as on a real network; a delayed one, or one held while
 *       a node is frozen with {@link Freeze#HOLD}, is copied and sent later, in order per link.</li>
 *   <li>Frames ({@link StreamTransport#sendFrame}): a frame on a disconnected or partitioned link fails
 *       its future with an {@link java.io.IOException}, as on a broken connection. A frame to or from a
 *       frozen node (either {@link Freeze} mode) stalls: its future completes after the thaw. A delayed
 *       frame is sent after the delay. Frames to one node keep their order. Loss does not apply to
 *       frames (TCP retransmits).</li>
 *   <li>Streams ({@link StreamTransport#openStream}): opening one on a cut link fails at once; opening one
 *       from or to a frozen node waits for the thaw. Reads and writes of an open stream stall while its
 *       link is cut or either end is frozen, and resume after the heal or thaw; closing the stream ends
 *       a stalled read or write with an {@link java.io.IOException}.</li>
 * </ul>
 * Faults act where a packet is sent, by the sender's wrapper, and again where it is received, so a
 * packet in flight when a fault starts is caught too. On the receiving side only datagrams name their
 * sender's node (a frame or stream arrives from a connection's ephemeral port), so a sender that is not
 * wrapped by this injector sees its datagrams filtered by every fault and its frames and streams only by
 * the receiving node's freeze and disconnection.
 *
 * <h2>Bounds and threads</h2>
 * At most {@value #MAX_HELD_PER_LINK} packets and {@value #MAX_HELD_BYTES_PER_LINK} bytes wait per link
 * and direction; beyond that a datagram is dropped, a frame fails its future, and an inbound frame or
 * stream is dropped (the frame is reported to the cluster as {@link io.tamtam.DropReason#QUEUE_FULL}).
 * Delayed and held packets are delivered by one daemon thread of the injector. Every method may be
 * called from any thread. Loss draws from one {@link Random} seeded by the constructor; with several
 * sending threads the sequence of draws is not reproducible, only its rate.
 */
public final class FaultInjector implements AutoCloseable {

    /** Packets, frames and streams that may wait per link and direction. */
    public static final int MAX_HELD_PER_LINK = 10_000;
    /** Bytes that may wait per link and direction. */
    public static final long MAX_HELD_BYTES_PER_LINK = 64L << 20;

    private final Random random;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Set<Lanes> endpoints = ConcurrentHashMap.newKeySet();
    private final Set<InetSocketAddress> datagramNodes = ConcurrentHashMap.newKeySet();
    private final Object monitor = new Object();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong waited = new AtomicLong();
    private volatile Rules rules = Rules.NONE;
    private volatile boolean closed;

    /** An injector whose loss draws start from seed 0. */
    public FaultInjector() {
        this(0);
    }

    /** @param seed the seed of the random draws that decide which datagrams a lossy link loses */
    public FaultInjector(long seed) {
        random = new Random(seed);
        scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tamtam-fault-injector");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    // ------------------------------------------------------------------ transports

    /** @return a factory wrapping the cluster's default datagram transport ({@link Transports}) */
    public DatagramTransport.Factory datagrams() {
        return datagrams(Transports.defaultDatagramFactory());
    }

    /**
     * @param real the transports to wrap
     * @return a factory of transports that send and receive through {@code real} under this injector's faults
     */
    public DatagramTransport.Factory datagrams(DatagramTransport.Factory real) {
        Objects.requireNonNull(real, "real");
        return options -> new FaultyDatagramTransport(this, real.create(options));
    }

    /** @return a factory wrapping the cluster's default stream transport ({@link Transports}) */
    public StreamTransport.Factory streams() {
        return streams(Transports.defaultStreamFactory());
    }

    /**
     * @param real the transports to wrap
     * @return a factory of transports that send and receive through {@code real} under this injector's faults
     */
    public StreamTransport.Factory streams(StreamTransport.Factory real) {
        Objects.requireNonNull(real, "real");
        return options -> new FaultyStreamTransport(this, real.create(options));
    }

    /**
     * Sets both transports of a node to the default ones wrapped by this injector.
     *
     * @param config a node's configuration
     * @return {@code config}, for chaining
     */
    public ClusterConfig.Builder configure(ClusterConfig.Builder config) {
        return config.datagramTransport(datagrams()).streamTransport(streams());
    }

    // ------------------------------------------------------------------ node faults

    /**
     * Freezes a node without closing its sockets, holding its datagrams ({@link Freeze#HOLD}).
     *
     * @param node the node's bound address
     */
    public void freeze(InetSocketAddress node) {
        freeze(node, Freeze.HOLD);
    }

    /**
     * Freezes a node without closing its sockets: nothing it sends leaves and nothing sent to it arrives
     * until {@link #thaw}; its frames and streams stall.
     *
     * @param node the node's bound address
     * @param mode whether its datagrams are held or dropped meanwhile
     */
    public void freeze(InetSocketAddress node, Freeze mode) {
        Objects.requireNonNull(mode, "mode");
        updateNode(node, f -> f.withFreeze(mode));
    }

    /** Ends a {@link #freeze}; held traffic is delivered, in order. @param node the node's bound address */
    public void thaw(InetSocketAddress node) {
        updateNode(node, f -> f.withFreeze(null));
    }

    /**
     * Drops everything the node sends or receives, as if its cable were pulled, until
     * {@link #reconnect(InetSocketAddress)}.
     *
     * @param node the node's bound address
     */
    public void disconnect(InetSocketAddress node) {
        updateNode(node, f -> f.withDisconnected(true));
    }

    /** Ends {@link #disconnect(InetSocketAddress)}. @param node the node's bound address */
    public void reconnect(InetSocketAddress node) {
        updateNode(node, f -> f.withDisconnected(false));
    }

    /**
     * Loses a fraction of the datagrams the node sends or receives.
     *
     * @param node     the node's bound address
     * @param fraction in [0, 1]; 0 ends the loss
     */
    public void loss(InetSocketAddress node, double fraction) {
        checkFraction(fraction);
        updateNode(node, f -> f.withLoss(fraction));
    }

    /**
     * Delays everything the node sends or receives.
     *
     * @param node  the node's bound address
     * @param delay not negative; zero ends the delay
     */
    public void delay(InetSocketAddress node, Duration delay) {
        long nanos = checkDelay(delay);
        updateNode(node, f -> f.withDelay(nanos));
    }

    // ------------------------------------------------------------------ link faults

    /**
     * Drops everything from {@code from} to {@code to} (one direction) until
     * {@link #reconnect(InetSocketAddress, InetSocketAddress)}.
     *
     * @param from the sending node's bound address
     * @param to   the receiving node's bound address
     */
    public void disconnect(InetSocketAddress from, InetSocketAddress to) {
        updateLink(from, to, f -> f.withDisconnected(true));
    }

    /** Ends {@link #disconnect(InetSocketAddress, InetSocketAddress)}. @param from sender @param to receiver */
    public void reconnect(InetSocketAddress from, InetSocketAddress to) {
        updateLink(from, to, f -> f.withDisconnected(false));
    }

    /**
     * Loses a fraction of the datagrams from {@code from} to {@code to} (one direction).
     *
     * @param from     the sending node's bound address
     * @param to       the receiving node's bound address
     * @param fraction in [0, 1]; 0 ends the loss
     */
    public void loss(InetSocketAddress from, InetSocketAddress to, double fraction) {
        checkFraction(fraction);
        updateLink(from, to, f -> f.withLoss(fraction));
    }

    /**
     * Delays everything from {@code from} to {@code to} (one direction).
     *
     * @param from  the sending node's bound address
     * @param to    the receiving node's bound address
     * @param delay not negative; zero ends the delay
     */
    public void delay(InetSocketAddress from, InetSocketAddress to, Duration delay) {
        long nanos = checkDelay(delay);
        updateLink(from, to, f -> f.withDelay(nanos));
    }

    // ------------------------------------------------------------------ partitions

    /**
     * Splits the network: nothing passes between a node of {@code side} and a node of {@code otherSide},
     * in either direction, until {@link #heal()}. Nodes within one side still reach each other.
     *
     * @param side      bound addresses of one side
     * @param otherSide bound addresses of the other side
     */
    public void partition(Collection<InetSocketAddress> side, Collection<InetSocketAddress> otherSide) {
        update(r -> {
            List<Rules.Cut> cuts = new ArrayList<>(r.cuts());
            cuts.add(cut(side, otherSide));
            cuts.add(cut(otherSide, side));
            return new Rules(r.nodes(), r.links(), cuts);
        });
    }

    /**
     * Cuts one direction: nothing sent by a node of {@code from} reaches a node of {@code to}, while
     * {@code to} still reaches {@code from}, until {@link #heal()}.
     *
     * @param from bound addresses of the senders
     * @param to   bound addresses of the receivers
     */
    public void partitionOneWay(Collection<InetSocketAddress> from, Collection<InetSocketAddress> to) {
        update(r -> {
            List<Rules.Cut> cuts = new ArrayList<>(r.cuts());
            cuts.add(cut(from, to));
            return new Rules(r.nodes(), r.links(), cuts);
        });
    }

    /** Removes every fault: partitions, node and link faults, freezes; held traffic is delivered. */
    public void heal() {
        update(r -> Rules.NONE);
    }

    // ------------------------------------------------------------------ counters

    /** @return datagrams lost or dropped, frames failed and inbound frames or streams dropped so far */
    public long dropped() {
        return dropped.get();
    }

    /** @return packets, frames and streams that were delayed or held so far, delivered or not */
    public long delayedOrHeld() {
        return waited.get();
    }

    /**
     * Removes every fault, fails what still waits, and stops the injector's thread. Transports made by
     * this injector keep working afterwards, without faults. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        heal();
        closed = true;
        scheduler.shutdown();
    }

    // ------------------------------------------------------------------ for the wrappers

    Rules rules() {
        return rules;
    }

    boolean isClosed() {
        return closed;
    }

    /** @return true when a lossy link loses this datagram */
    boolean lose(InetSocketAddress from, InetSocketAddress to) {
        double p = rules.loss(from, to);
        return p > 0 && random.nextDouble() < p;
    }

    /** @return true when {@code address} is a node whose datagram transport this injector wraps */
    boolean isDatagramNode(InetSocketAddress address) {
        return datagramNodes.contains(address);
    }

    void addDatagramNode(InetSocketAddress address) {
        datagramNodes.add(address);
    }

    void removeDatagramNode(InetSocketAddress address) {
        datagramNodes.remove(address);
    }

    void register(Lanes lanes) {
        endpoints.add(lanes);
    }

    void unregister(Lanes lanes) {
        endpoints.remove(lanes);
    }

    void countDropped() {
        dropped.incrementAndGet();
    }

    void countWaited() {
        waited.incrementAndGet();
    }

    /** Runs {@code lane.pump()} on the injector's thread after {@code delayNanos}; now if closed. */
    void pumpLater(Lane lane, long delayNanos) {
        if (!closed) {
            try {
                if (delayNanos <= 0) {
                    scheduler.execute(lane::pump);
                } else {
                    scheduler.schedule(lane::pump, delayNanos, TimeUnit.NANOSECONDS);
                }
                return;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed meanwhile
            }
        }
        lane.close("the fault injector is closed");
    }

    /**
     * Waits while {@code blocked} says a stream's direction is cut or frozen. Woken by every rule change
     * and by {@link #wakeStreams()}.
     *
     * @param blocked checked under the monitor
     */
    void awaitOpen(java.util.function.BooleanSupplier blocked) throws InterruptedException {
        synchronized (monitor) {
            while (blocked.getAsBoolean()) {
                monitor.wait();
            }
        }
    }

    /** Wakes the streams stalled in {@link #awaitOpen} so they check again. */
    void wakeStreams() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    // ------------------------------------------------------------------ rule changes

    private void updateNode(InetSocketAddress node, UnaryOperator<Rules.Fault> change) {
        Objects.requireNonNull(node, "node");
        update(r -> {
            Map<InetSocketAddress, Rules.Fault> nodes = new HashMap<>(r.nodes());
            Rules.Fault f = change.apply(nodes.getOrDefault(node, Rules.Fault.NONE));
            if (f.isNone()) {
                nodes.remove(node);
            } else {
                nodes.put(node, f);
            }
            return new Rules(nodes, r.links(), r.cuts());
        });
    }

    private void updateLink(InetSocketAddress from, InetSocketAddress to, UnaryOperator<Rules.Fault> change) {
        Rules.Link link = new Rules.Link(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to"));
        update(r -> {
            Map<Rules.Link, Rules.Fault> links = new HashMap<>(r.links());
            Rules.Fault f = change.apply(links.getOrDefault(link, Rules.Fault.NONE));
            if (f.isNone()) {
                links.remove(link);
            } else {
                links.put(link, f);
            }
            return new Rules(r.nodes(), links, r.cuts());
        });
    }

    private void update(UnaryOperator<Rules> change) {
        if (closed) {
            throw new IllegalStateException("this fault injector is closed; create a new one");
        }
        synchronized (this) {
            rules = change.apply(rules);
        }
        for (Lanes lanes : endpoints) {
            lanes.kick();
        }
        wakeStreams();
    }

    private static Rules.Cut cut(Collection<InetSocketAddress> from, Collection<InetSocketAddress> to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.isEmpty() || to.isEmpty()) {
            throw new IllegalArgumentException("a partition needs nodes on both sides, got " + from + " and " + to);
        }
        return new Rules.Cut(Set.copyOf(from), Set.copyOf(to));
    }

    private static void checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("a loss fraction is between 0 and 1, not " + fraction);
        }
    }

    private static long checkDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a delay cannot be negative: " + delay);
        }
        return delay.toNanos();
    }
}
