package io.tamtam.spi;

import java.time.Duration;

/**
 * What the cluster tells a transport when it creates it; values come from
 * {@link io.tamtam.ClusterConfig} and are already validated.
 *
 * @param maxDatagramSize largest datagram, in bytes, the cluster will send or accept
 * @param maxFrameSize    largest stream-path frame, in bytes; a larger inbound frame is refused
 *                        without allocating it, a larger outbound frame fails its future
 * @param connectTimeout  how long opening a connection may take before its future fails
 * @param idleTimeout     a pooled connection with no traffic for this long is closed
 * @param writeTimeout    a write that cannot make progress for this long fails its future
 */
public record TransportOptions(
        int maxDatagramSize,
        int maxFrameSize,
        Duration connectTimeout,
        Duration idleTimeout,
        Duration writeTimeout) {
}
