package io.tamtam;

import java.time.Duration;

/**
 * The lifetime of a broadcast for data that is worthless when late (telemetry): at most {@code passes}
 * relays after the origin's own sends, and no delivery after {@code lifetime} from the moment it was
 * broadcast. A node that receives it expired drops it, counts it in
 * {@link ClusterStats#broadcastsDroppedByTtl()} and does not pass it on; such broadcasts are not repaired
 * (never sent again on request). The deadline is carried as wall-clock time (milliseconds since the
 * epoch), so it assumes the nodes' clocks agree to well within {@code lifetime}.
 *
 * @param passes   relay passes allowed: 0 means only the nodes the origin itself sends it to; 0 to 255
 * @param lifetime how long it may be delivered, from the broadcast call; positive
 */
public record BroadcastTtl(int passes, Duration lifetime) {
    /** Checks the ranges. */
    public BroadcastTtl {
        if (passes < 0 || passes > 255) {
            throw new IllegalArgumentException("passes is " + passes + "; give 0 to 255 relay passes");
        }
        if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be a positive duration");
        }
    }
}
