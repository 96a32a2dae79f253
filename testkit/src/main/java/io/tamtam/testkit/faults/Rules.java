package io.tamtam.testkit.faults;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One immutable set of faults; the injector publishes a new one on every change, so a send reads the
 * rules without a lock.
 *
 * @param nodes faults of every packet a node sends or receives, by the node's bound address
 * @param links faults of one direction between two nodes
 * @param cuts  partitions: nothing passes from a node of {@code from} to a node of {@code to}
 */
record Rules(Map<InetSocketAddress, Fault> nodes, Map<Link, Fault> links, List<Cut> cuts) {

    /** The verdict: drop the packet. */
    static final long DROP = -1;
    /** The verdict: hold the packet until the rules change. */
    static final long HOLD = -2;

    static final Rules NONE = new Rules(Map.of(), Map.of(), List.of());

    Rules {
        nodes = Map.copyOf(nodes);
        links = Map.copyOf(links);
        cuts = List.copyOf(cuts);
    }

    /** @return true when no fault is set */
    boolean isEmpty() {
        return nodes.isEmpty() && links.isEmpty() && cuts.isEmpty();
    }

    /**
     * @param datagram true for a datagram, false for a frame or stream: a frozen node's frames and
     *                 streams are held whatever its {@link Freeze} mode
     * @return {@link #DROP}, {@link #HOLD}, or the delay in nanoseconds (0 for none) of a packet from
     *         {@code from} to {@code to}; loss is decided apart, by {@link #loss}
     */
    long verdict(InetSocketAddress from, InetSocketAddress to, boolean datagram) {
        if (isEmpty()) {
            return 0;
        }
        Fault f = nodes.getOrDefault(from, Fault.NONE);
        Fault t = nodes.getOrDefault(to, Fault.NONE);
        Fault l = links.getOrDefault(new Link(from, to), Fault.NONE);
        if (f.disconnected() || t.disconnected() || l.disconnected() || partitioned(from, to)
                || (datagram && (f.freeze() == Freeze.DROP || t.freeze() == Freeze.DROP))) {
            return DROP;
        }
        if (f.freeze() != null || t.freeze() != null) {
            return HOLD;
        }
        return f.delayNanos() + t.delayNanos() + l.delayNanos();
    }

    /** @return the chance that a datagram from {@code from} to {@code to} is lost */
    double loss(InetSocketAddress from, InetSocketAddress to) {
        if (isEmpty()) {
            return 0;
        }
        double pass = (1 - nodes.getOrDefault(from, Fault.NONE).loss())
                * (1 - nodes.getOrDefault(to, Fault.NONE).loss())
                * (1 - links.getOrDefault(new Link(from, to), Fault.NONE).loss());
        return 1 - pass;
    }

    private boolean partitioned(InetSocketAddress from, InetSocketAddress to) {
        for (Cut c : cuts) {
            if (c.from().contains(from) && c.to().contains(to)) {
                return true;
            }
        }
        return false;
    }

    /** One direction between two nodes. */
    record Link(InetSocketAddress from, InetSocketAddress to) {
    }

    /** Nothing passes from a node of {@code from} to a node of {@code to}. */
    record Cut(Set<InetSocketAddress> from, Set<InetSocketAddress> to) {
        Cut {
            from = Set.copyOf(from);
            to = Set.copyOf(to);
        }
    }

    /**
     * The faults of a node or a link.
     *
     * @param freeze       how a frozen node's traffic is treated, null when not frozen (nodes only)
     * @param disconnected drop everything
     * @param loss         chance in [0, 1] that a datagram is lost
     * @param delayNanos   added to every packet's delivery time
     */
    record Fault(Freeze freeze, boolean disconnected, double loss, long delayNanos) {
        static final Fault NONE = new Fault(null, false, 0, 0);

        Fault withFreeze(Freeze v) { return new Fault(v, disconnected, loss, delayNanos); }

        Fault withDisconnected(boolean v) { return new Fault(freeze, v, loss, delayNanos); }

        Fault withLoss(double v) { return new Fault(freeze, disconnected, v, delayNanos); }

        Fault withDelay(long v) { return new Fault(freeze, disconnected, loss, v); }

        boolean isNone() { return equals(NONE); }
    }
}
