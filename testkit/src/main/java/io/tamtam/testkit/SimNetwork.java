package io.tamtam.testkit;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A deterministic simulated network: many TamTam nodes in one thread, on one virtual clock, connected by
 * in-memory transports with configurable loss, latency, jitter and partitions. The same seed and the same
 * test steps always produce the same run, down to the order of every packet.
 *
 * <pre>{@code
 * try (SimNetwork net = SimNetwork.builder().seed(42).build()) {
 *     List<SimNode> nodes = net.addNodes(20);
 *     for (SimNode n : nodes.subList(1, 20)) {
 *         n.cluster().join(nodes.get(0).address());
 *     }
 *     assertTrue(net.runUntil(net::converged, Duration.ofSeconds(30)));
 *
 *     nodes.get(7).crash();
 *     assertTrue(net.runUntil(net::converged, Duration.ofSeconds(60)));
 * }
 * }</pre>
 *
 * <p>Each node is a real {@link Cluster} created from {@link ClusterConfig#local()} (or the builder a
 * customizer adjusted) with these settings replaced: the network's clock and a per-node view of its event
 * loop, a callback executor that runs callbacks inline on the simulation thread (so simulated listeners
 * and handlers must not block: a blocked callback blocks the whole network), a random seed and a UUIDv7
 * node id drawn from the network's seed (unless the customizer set an id), a unique loopback-range
 * address 127.x.y.z port 7946 (from 127.0.0.2 upward; never bound to a real socket), and the network's
 * in-memory transports. Unless the customizer set an error handler, what the cluster reports to its error
 * handler (a listener or handler that threw, a protocol task that failed) is recorded in
 * {@link #failures()}.
 *
 * <p>Threading: create the network, add nodes, drive it ({@link #runFor}, {@link #runUntil},
 * {@link #step}) and inject faults from one thread, the thread that created it. Everything simulated runs
 * on that thread while it drives the network. Streams are the exception: their bytes move between real
 * threads (see {@link SimStreamTransport}).
 */
public final class SimNetwork implements AutoCloseable {

    /** Port of every simulated node. */
    public static final int PORT = ClusterConfig.DEFAULT_PORT;

    private static final Logger log = LoggerFactory.getLogger(SimNetwork.class);
    private static final int FIRST_ADDRESS = 0x7F00_0002;
    private static final int LAST_ADDRESS = 0x7FFF_FFFE;
    private static final Executor INLINE = Runnable::run;

    private final long seed;
    private final VirtualClock clock = new VirtualClock();
    private final SimScheduler loop = new SimScheduler(clock);
    private final Random idRandom;
    private final Random linkRandom;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<InetSocketAddress, SimNode> byAddress = new HashMap<>();
    private final List<PartitionRule> partitions = new ArrayList<>();
    private final List<String> trace;
    private double defaultLoss;
    private long defaultLatencyNanos;
    private long defaultJitterNanos;
    private int convergeCursor;
    private boolean closed;

    private SimNetwork(Builder b) {
        seed = b.seed;
        idRandom = new Random(seed);
        linkRandom = new Random(seed ^ 0x5DEECE66DL * 0x9E37_79B9_7F4A_7C15L);
        defaultLoss = b.loss;
        defaultLatencyNanos = b.latencyNanos;
        defaultJitterNanos = b.jitterNanos;
        trace = b.trace ? new ArrayList<>() : null;
    }

    /** @return a builder: seed 1, latency 1 ms, no jitter, no loss, trace on */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ nodes

    /**
     * Adds a node with the {@link ClusterConfig#local()} settings. The node is alone until it joins.
     *
     * @return the node, its cluster created
     */
    public SimNode addNode() {
        return addNode(b -> { });
    }

    /**
     * Adds a node whose configuration starts from {@link ClusterConfig#local()}, adjusted by
     * {@code customizer}. The simulator then replaces clock, scheduler, callback executor, random seed,
     * bind address, transports and (unless the customizer set them) node id and error handler; see the
     * class description.
     *
     * @param customizer adjusts the configuration, such as {@code b -> b.probeInterval(...)}
     * @return the node, its cluster created
     * @throws IllegalArgumentException when the customized configuration is invalid
     * @throws UncheckedIOException     when the cluster could not bind its transports
     */
    public SimNode addNode(Consumer<ClusterConfig.Builder> customizer) {
        Objects.requireNonNull(customizer, "customizer");
        loop.checkDriver("addNode");
        checkOpen();
        int index = nodes.size();
        InetSocketAddress address = addressFor(index);
        UUID derivedId = uuidV7(clock.millis(), idRandom);
        long nodeSeed = idRandom.nextLong();

        ClusterConfig.Builder b = ClusterConfig.local();
        customizer.accept(b);
        ClusterConfig user = b.build();
        UUID id = user.nodeId() != null ? user.nodeId() : derivedId;
        SimNode node = new SimNode(this, index, address, id);
        ClusterConfig config = user.toBuilder()
                .nodeId(id)
                .bindAddress(address)
                .clock(clock)
                .scheduler(node.view())
                .callbackExecutor(INLINE)
                .randomSeed(nodeSeed)
                .datagramTransport(options -> new SimDatagramTransport(this, node, options))
                .streamTransport(options -> new SimStreamTransport(this, node, options))
                .errorHandler(user.errorHandler() != null ? user.errorHandler()
                        : (context, error) -> loop.recordFailure(node.shortId() + " " + context, error))
                .build();
        byAddress.put(address, node);
        Cluster cluster;
        try {
            cluster = Cluster.create(config);
        } catch (IOException e) {
            byAddress.remove(address);
            throw new UncheckedIOException("simulated node " + node.shortId() + " could not start: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            byAddress.remove(address);
            throw e;
        }
        node.attach(cluster);
        nodes.add(node);
        if (trace != null) {
            String observer = node.shortId();
            cluster.addMembershipListener(e -> record(observer, e));
        }
        return node;
    }

    /**
     * Adds {@code count} nodes with the {@link ClusterConfig#local()} settings.
     *
     * @param count how many
     * @return the new nodes, in order
     */
    public List<SimNode> addNodes(int count) {
        return addNodes(count, b -> { });
    }

    /**
     * Adds {@code count} nodes, each configured as {@link #addNode(Consumer)} does.
     *
     * @param count      how many
     * @param customizer adjusts each node's configuration
     * @return the new nodes, in order
     */
    public List<SimNode> addNodes(int count, Consumer<ClusterConfig.Builder> customizer) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be zero or more, was " + count);
        }
        List<SimNode> added = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            added.add(addNode(customizer));
        }
        return added;
    }

    /** @return every node added, crashed ones included, in the order they were added; unmodifiable */
    public List<SimNode> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /**
     * @param index the order in which the node was added, from 0
     * @return that node
     */
    public SimNode node(int index) {
        return nodes.get(index);
    }

    /**
     * Adds a node with an address, id and scheduler view but no cluster; the simulator's own tests bind
     * transports on it directly.
     */
    SimNode addBareNode() {
        loop.checkDriver("addBareNode");
        int index = nodes.size();
        InetSocketAddress address = addressFor(index);
        SimNode node = new SimNode(this, index, address, uuidV7(clock.millis(), idRandom));
        idRandom.nextLong();
        byAddress.put(address, node);
        nodes.add(node);
        return node;
    }

    // ------------------------------------------------------------------ faults

    /**
     * Sets the datagram loss of every link, those given their own loss with {@link #link} included.
     *
     * @param probability chance that a datagram is lost, from 0 to 1
     */
    public void setLoss(double probability) {
        SimLink.checkLoss(probability);
        defaultLoss = probability;
        for (SimNode n : nodes) {
            n.clearLinkLoss();
        }
    }

    /**
     * Sets the latency of every link that has no latency of its own.
     *
     * @param latency one-way delay, zero or more
     */
    public void setLatency(Duration latency) {
        defaultLatencyNanos = SimLink.checkDuration(latency, "latency");
    }

    /**
     * Sets the jitter of every link that has no jitter of its own.
     *
     * @param jitter the most extra delay per packet, zero or more
     */
    public void setJitter(Duration jitter) {
        defaultJitterNanos = SimLink.checkDuration(jitter, "jitter");
    }

    /**
     * @param from the sender
     * @param to   the receiver
     * @return the settings of the link from {@code from} to {@code to} only
     */
    public SimLink link(SimNode from, SimNode to) {
        checkMember(from);
        checkMember(to);
        return new SimLink(from.linkToCreate(to));
    }

    /**
     * @param a one node
     * @param b another
     * @return the settings of both directions between {@code a} and {@code b}
     */
    public SimLink linkBoth(SimNode a, SimNode b) {
        checkMember(a);
        checkMember(b);
        return new SimLink(a.linkToCreate(b), b.linkToCreate(a));
    }

    /**
     * Cuts all traffic (datagrams, frames, new streams) between the two sides, both ways, until
     * {@link #heal()}. Packets already in flight still arrive.
     *
     * @param side1 one side
     * @param side2 the other side
     */
    public void partition(Collection<SimNode> side1, Collection<SimNode> side2) {
        BitSet s1 = indexes(side1);
        BitSet s2 = indexes(side2);
        partitions.add(new PartitionRule(s1, s2));
        partitions.add(new PartitionRule(s2, s1));
    }

    /**
     * Cuts all traffic from {@code from} to {@code to}; the other way still works.
     *
     * @param from the senders cut off
     * @param to   the receivers they can no longer reach
     */
    public void partitionOneWay(Collection<SimNode> from, Collection<SimNode> to) {
        partitions.add(new PartitionRule(indexes(from), indexes(to)));
    }

    /**
     * Cuts all traffic from one node to another; the other way still works.
     *
     * @param from the sender cut off
     * @param to   the receiver it can no longer reach
     */
    public void partitionOneWay(SimNode from, SimNode to) {
        partitionOneWay(List.of(from), List.of(to));
    }

    /** Removes every partition; link loss, latency and jitter stay as set. */
    public void heal() {
        partitions.clear();
    }

    // ------------------------------------------------------------------ time

    /**
     * Runs every task due within {@code duration} of virtual time.
     *
     * @param duration how much virtual time to simulate
     * @see SimScheduler#runFor
     */
    public void runFor(Duration duration) {
        loop.runFor(duration);
    }

    /**
     * Runs until {@code condition} holds or {@code maxVirtual} passed; the clock then tells when it held.
     *
     * @param condition  the goal, checked once per virtual millisecond in which something ran
     * @param maxVirtual the most virtual time to simulate
     * @return whether the condition holds
     * @see SimScheduler#runUntil(BooleanSupplier, Duration)
     */
    public boolean runUntil(BooleanSupplier condition, Duration maxVirtual) {
        return loop.runUntil(condition, maxVirtual);
    }

    /**
     * Runs until {@code condition} holds or {@code maxVirtual} passed, checking it less often.
     *
     * @param condition  the goal, checked at most once per {@code checkEvery}
     * @param maxVirtual the most virtual time to simulate
     * @param checkEvery virtual time between checks; coarser for costly conditions on large networks
     * @return whether the condition holds
     * @see SimScheduler#runUntil(BooleanSupplier, Duration, Duration)
     */
    public boolean runUntil(BooleanSupplier condition, Duration maxVirtual, Duration checkEvery) {
        return loop.runUntil(condition, maxVirtual, checkEvery);
    }

    /**
     * Runs the next task, advancing the clock to its due time.
     *
     * @return whether a task ran
     * @see SimScheduler#step
     */
    public boolean step() {
        return loop.step();
    }

    /** @return the virtual time since the network was created */
    public Duration now() {
        return clock.now();
    }

    /** @return the network's virtual clock */
    public VirtualClock clock() {
        return clock;
    }

    /** @return the network's event loop; use it to schedule faults at a given virtual time */
    public SimScheduler scheduler() {
        return loop;
    }

    /** @return the seed everything random in this network derives from */
    public long seed() {
        return seed;
    }

    // ------------------------------------------------------------------ observation

    /**
     * Whether the membership agrees: every node that {@link SimNode#isUp() is up} counts exactly as many
     * alive members ({@link Cluster#liveMembers()}, itself included) as there are nodes up. It compares
     * counts, not identities, and resumes scanning where the last call found a disagreement, so that
     * polling it is cheap until the network is close to agreement.
     *
     * @return whether every node up sees every node up, and only those, as alive
     */
    public boolean converged() {
        int expected = 0;
        for (SimNode n : nodes) {
            if (n.isUp() && n.clusterOrNull() != null) {
                expected++;
            }
        }
        int size = nodes.size();
        for (int k = 0; k < size; k++) {
            int i = (convergeCursor + k) % size;
            SimNode n = nodes.get(i);
            Cluster c = n.clusterOrNull();
            if (c == null || !n.isUp()) {
                continue;
            }
            if (c.liveMembers().size() != expected) {
                convergeCursor = i;
                return false;
            }
        }
        return true;
    }

    /**
     * Every membership event every node observed, in the order they happened, one line each:
     * {@code "<virtual ms> <observer short id> <EVENT TYPE> <subject short id>"}, such as
     * {@code "1204 3f9a0c1e DEAD 77b1d2a0"}. Two runs with the same seed and steps have identical traces.
     *
     * @return an unmodifiable copy
     * @throws IllegalStateException when the network was built with {@code trace(false)}
     */
    public List<String> trace() {
        if (trace == null) {
            throw new IllegalStateException("this network records no trace: it was built with trace(false)");
        }
        return List.copyOf(trace);
    }

    /**
     * @return tasks that threw and errors the clusters reported to their error handlers; empty when
     *         nothing failed
     * @see SimScheduler#failures
     */
    public List<TaskFailure> failures() {
        return loop.failures();
    }

    /** @return the sum of every node's counters, as a snapshot */
    public SimCounters counters() {
        SimCounters total = new SimCounters();
        for (SimNode n : nodes) {
            total.add(n.counters());
        }
        return total;
    }

    /** Closes every cluster that has not crashed, without leaving. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SimNode n : nodes) {
            if (!n.isCrashed()) {
                closeQuietly(n);
            }
        }
    }

    @Override
    public String toString() {
        return "SimNetwork[seed " + seed + ", " + nodes.size() + " nodes, " + clock.millis() + " ms]";
    }

    // ------------------------------------------------------------------ package-private: routing

    SimNode nodeAt(InetSocketAddress address) {
        return byAddress.get(address);
    }

    boolean blocked(SimNode from, SimNode to) {
        for (int i = 0, n = partitions.size(); i < n; i++) {
            if (partitions.get(i).blocks(from.index(), to.index())) {
                return true;
            }
        }
        return false;
    }

    /** @return the delay of a datagram, or -1 when it is lost or partitioned away */
    long datagramDelay(SimNode from, SimNode to) {
        if (!partitions.isEmpty() && blocked(from, to)) {
            return -1;
        }
        DirectedLink l = from.linkTo(to);
        double loss = l == null || Double.isNaN(l.loss) ? defaultLoss : l.loss;
        if (loss > 0 && linkRandom.nextDouble() < loss) {
            return -1;
        }
        return delay(l);
    }

    /** @return the delay of a frame or stream set-up (no loss) */
    long frameDelay(SimNode from, SimNode to) {
        return delay(from.linkTo(to));
    }

    private long delay(DirectedLink l) {
        long latency = l == null || l.latencyNanos < 0 ? defaultLatencyNanos : l.latencyNanos;
        long jitter = l == null || l.jitterNanos < 0 ? defaultJitterNanos : l.jitterNanos;
        return jitter > 0 ? latency + (long) (linkRandom.nextDouble() * jitter) : latency;
    }

    void checkBindable(SimNode node, InetSocketAddress address) throws IOException {
        InetSocketAddress own = node.address();
        if (address == null || !own.getAddress().equals(address.getAddress())
                || (address.getPort() != 0 && address.getPort() != own.getPort())) {
            throw new IOException("simulated node " + node.shortId() + " can only bind its own address " + own
                    + " (or port 0), not " + address);
        }
    }

    /** Closes a node's cluster and transports, recording rather than throwing what goes wrong. */
    void closeQuietly(SimNode node) {
        Cluster c = node.clusterOrNull();
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                log.warn("Closing simulated node {} failed", node.shortId(), e);
            }
        }
        if (node.datagramTransport() != null) {
            node.datagramTransport().close();
        }
        if (node.streamTransport() != null) {
            node.streamTransport().close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private void record(String observer, MembershipEvent e) {
        trace.add(clock.millis() + " " + observer + " " + e.type() + " " + SimNode.shortId(e.node().id()));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this simulated network is closed; create a new one");
        }
    }

    private void checkMember(SimNode n) {
        Objects.requireNonNull(n, "node");
        if (n.index() >= nodes.size() || nodes.get(n.index()) != n) {
            throw new IllegalArgumentException(n + " is not a node of this network");
        }
    }

    private BitSet indexes(Collection<SimNode> side) {
        BitSet s = new BitSet();
        for (SimNode n : side) {
            checkMember(n);
            s.set(n.index());
        }
        return s;
    }

    private static InetSocketAddress addressFor(int index) {
        long ip = (long) FIRST_ADDRESS + index;
        if (ip > LAST_ADDRESS) {
            throw new IllegalStateException("a simulated network holds at most "
                    + (LAST_ADDRESS - FIRST_ADDRESS + 1) + " nodes");
        }
        byte[] b = {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(b), PORT);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /** A UUIDv7: 48-bit Unix-epoch-style milliseconds (virtual here), version 7, variant 2, random rest. */
    private static UUID uuidV7(long millis, Random random) {
        long msb = (millis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (random.nextInt() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** Builds a {@link SimNetwork}; not thread-safe. */
    public static final class Builder {
        private long seed = 1;
        private long latencyNanos = 1_000_000L;
        private long jitterNanos;
        private double loss;
        private boolean trace = true;

        private Builder() {
        }

        /**
         * @param v the seed of all randomness: node ids and seeds, loss and jitter draws; default 1
         * @return this
         */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /**
         * @param v one-way latency of every link unless set per link, zero or more; default 1 ms
         * @return this
         */
        public Builder defaultLatency(Duration v) {
            latencyNanos = SimLink.checkDuration(v, "defaultLatency");
            return this;
        }

        /**
         * @param v the most extra delay drawn uniformly per packet, zero or more; default none
         * @return this
         */
        public Builder jitter(Duration v) {
            jitterNanos = SimLink.checkDuration(v, "jitter");
            return this;
        }

        /**
         * @param v chance that a datagram is lost on every link, from 0 to 1; default 0
         * @return this
         */
        public Builder loss(double v) {
            SimLink.checkLoss(v);
            loss = v;
            return this;
        }

        /**
         * @param v whether to record {@link #trace()}; turn it off for large networks, where every node
         *          observes every other one join; default on
         * @return this
         */
        public Builder trace(boolean v) {
            trace = v;
            return this;
        }

        /**
         * @return a new network, driven by the calling thread
         */
        public SimNetwork build() {
            return new SimNetwork(this);
        }
    }
}
