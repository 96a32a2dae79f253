package io.tamtam.testkit.faults;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/** The lanes of one wrapped transport, one per direction and peer, made on first use. */
final class Lanes {

    private final FaultInjector injector;
    private final boolean datagrams;
    private final ConcurrentHashMap<Rules.Link, Lane> lanes = new ConcurrentHashMap<>();

    /** @param datagrams true for a datagram transport's lanes, false for a stream transport's */
    Lanes(FaultInjector injector, boolean datagrams) {
        this.injector = injector;
        this.datagrams = datagrams;
    }

    /** @return the lane from {@code from} to {@code to}, gated by the injector's current rules */
    Lane get(InetSocketAddress from, InetSocketAddress to) {
        return lanes.computeIfAbsent(new Rules.Link(from, to), link -> new Lane(injector, from + " -> " + to,
                () -> injector.rules().verdict(from, to, datagrams)));
    }

    /**
     * @return true when a packet whose verdict is to pass at once may be delivered by the caller now:
     *         no lane from {@code from} to {@code to} exists yet, or nothing waits on it
     */
    boolean idle(InetSocketAddress from, InetSocketAddress to) {
        Lane lane = lanes.get(new Rules.Link(from, to));
        return lane == null || lane.idle();
    }

    /** Lets every lane deliver what the new rules let through. */
    void kick() {
        for (Lane lane : lanes.values()) {
            injector.pumpLater(lane, 0);
        }
    }

    /** Drops what waits: frames and streams fail with {@code why}. */
    void close(String why) {
        for (Lane lane : lanes.values()) {
            lane.close(why);
        }
    }
}
