package io.tamtam.spi;

import io.tamtam.ClusterConfig;
import java.time.Duration;

/**
 * What the cluster tells a transport when it creates it; values come from
 * {@link io.tamtam.ClusterConfig} and are already validated.
 *
 * @param maxDatagramSize            largest datagram, in bytes, the cluster will send or accept
 * @param maxFrameSize               largest stream-path frame, in bytes; a larger inbound frame is refused
 *                                   without allocating it, a larger outbound frame fails its future
 * @param connectTimeout             how long opening a connection may take before its future fails
 * @param idleTimeout                a pooled connection with no traffic for this long is closed
 * @param writeTimeout               a write that cannot make progress for this long fails its future
 * @param prefaceTimeout             an accepted connection that has not sent its preface within this is
 *                                   closed
 * @param minReceiveRate             bytes per second an inbound frame must keep up, after
 *                                   {@code receiveGrace}, while it arrives
 * @param receiveGrace               how long an inbound frame may lag before {@code minReceiveRate}
 *                                   applies, and how long a large frame may wait for buffer budget
 * @param maxInboundConnections      most accepted connections open at once
 * @param maxInboundConnectionsPerIp most accepted connections open at once from one remote IP
 * @param inboundBufferBudget        bytes the transport may hold for large inbound frames at once,
 *                                   across all connections
 */
public record TransportOptions(
        int maxDatagramSize,
        int maxFrameSize,
        Duration connectTimeout,
        Duration idleTimeout,
        Duration writeTimeout,
        Duration prefaceTimeout,
        int minReceiveRate,
        Duration receiveGrace,
        int maxInboundConnections,
        int maxInboundConnectionsPerIp,
        int inboundBufferBudget) {

    /**
     * Options with the first five settings given and the inbound limits at their
     * {@link ClusterConfig} defaults, the inbound buffer budget raised to {@code maxFrameSize} when that is
     * larger.
     *
     * @param maxDatagramSize largest datagram, in bytes
     * @param maxFrameSize    largest stream-path frame, in bytes
     * @param connectTimeout  how long opening a connection may take
     * @param idleTimeout     a pooled connection with no traffic for this long is closed
     * @param writeTimeout    a write that cannot make progress for this long fails its future
     */
    public TransportOptions(int maxDatagramSize, int maxFrameSize, Duration connectTimeout,
                            Duration idleTimeout, Duration writeTimeout) {
        this(maxDatagramSize, maxFrameSize, connectTimeout, idleTimeout, writeTimeout,
                ClusterConfig.DEFAULT_PREFACE_TIMEOUT, ClusterConfig.DEFAULT_MIN_RECEIVE_RATE,
                ClusterConfig.DEFAULT_RECEIVE_GRACE, ClusterConfig.DEFAULT_MAX_INBOUND_CONNECTIONS,
                ClusterConfig.DEFAULT_MAX_INBOUND_CONNECTIONS_PER_IP,
                Math.max(ClusterConfig.DEFAULT_INBOUND_BUFFER_BUDGET, maxFrameSize));
    }

    /**
     * @param prefaceTimeout             see {@link ClusterConfig#DEFAULT_PREFACE_TIMEOUT}
     * @param minReceiveRate             see {@link ClusterConfig#DEFAULT_MIN_RECEIVE_RATE}
     * @param receiveGrace               see {@link ClusterConfig#DEFAULT_RECEIVE_GRACE}
     * @param maxInboundConnections      see {@link ClusterConfig#DEFAULT_MAX_INBOUND_CONNECTIONS}
     * @param maxInboundConnectionsPerIp see {@link ClusterConfig#DEFAULT_MAX_INBOUND_CONNECTIONS_PER_IP}
     * @param inboundBufferBudget        see {@link ClusterConfig#DEFAULT_INBOUND_BUFFER_BUDGET}
     * @return a copy with the inbound limits replaced
     */
    public TransportOptions withInboundLimits(Duration prefaceTimeout, int minReceiveRate, Duration receiveGrace,
                                              int maxInboundConnections, int maxInboundConnectionsPerIp,
                                              int inboundBufferBudget) {
        return new TransportOptions(maxDatagramSize, maxFrameSize, connectTimeout, idleTimeout, writeTimeout,
                prefaceTimeout, minReceiveRate, receiveGrace, maxInboundConnections, maxInboundConnectionsPerIp,
                inboundBufferBudget);
    }
}
