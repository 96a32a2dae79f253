package io.tamtam.testkit.faults;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/** The lanes of one wrapped transport, one per direction and peer, made on first use. */
final class Lanes {

    private final FaultInjector injector;
    private final ConcurrentHashMap<Rules.Link, Lane> lanes = new ConcurrentHashMap<>();

    Lanes(FaultInjector injector) {
        this.injector = injector;
    }

    /** @return the lane from {@code from} to {@code to}, gated by the injector's current rules */
    Lane get(InetSocketAddress from, InetSocketAddress to) {
        return lanes.computeIfAbsent(new Rules.Link(from, to),
                link -> new Lane(injector, from + " -> " + to, () -> injector.rules().verdict(from, to)));
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
