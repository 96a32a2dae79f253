package io.tamtam.transport.websocket;

import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import io.tamtam.transport.tcp.StreamOnly;
import java.util.Objects;

/**
 * Creates {@link WebSocketTransport}s, and with {@link #datagrams()} the datagram path that rides on them,
 * for a cluster where only WebSocket passes:
 * <pre>{@code
 * WebSocketTransportFactory ws = new WebSocketTransportFactory(WebSocketConfig.defaults());
 * ClusterConfig config = ClusterConfig.builder().streamTransport(ws).datagramTransport(ws.datagrams()).build();
 * }</pre>
 * Not registered with {@link java.util.ServiceLoader}: set it in the configuration.
 */
public final class WebSocketTransportFactory implements StreamTransport.Factory {

    private final StreamOnly pair;

    /** @param config the path, TLS and event loop group of the transports */
    public WebSocketTransportFactory(WebSocketConfig config) {
        Objects.requireNonNull(config, "config");
        this.pair = StreamOnly.over(options -> new WebSocketTransport(options, config));
    }

    @Override
    public StreamTransport create(TransportOptions options) {
        return pair.streams().create(options);
    }

    /**
     * The datagram path of a WebSocket-only node (see {@link StreamOnly}): probes, acks and gossip go as
     * frames over the WebSocket transport this factory created for the same node.
     *
     * @return the datagram transport factory to set next to this factory
     */
    public DatagramTransport.Factory datagrams() {
        return pair.datagrams();
    }
}
