package io.tamtam.transport.websocket;

import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

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

    private final WebSocketConfig config;
    private final Map<InetSocketAddress, WebSocketTransport> bound = new ConcurrentHashMap<>();

    /** @param config the path, TLS and event loop group of the transports */
    public WebSocketTransportFactory(WebSocketConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public StreamTransport create(TransportOptions options) {
        return new WebSocketTransport(options, config, this);
    }

    /**
     * The datagram path of a WebSocket-only node: each datagram is sent as a frame over the WebSocket
     * transport of this factory bound to the same address (the cluster binds the stream transport first,
     * then the datagram transport on its address), so probes and gossip take the WebSocket path. Sends are
     * best effort like datagrams: a frame that cannot be sent is dropped. Inbound, the frames reach the
     * cluster through the stream transport.
     *
     * @return the datagram transport factory to set next to this factory
     */
    public DatagramTransport.Factory datagrams() {
        return options -> new FrameDatagrams(options.maxDatagramSize());
    }

    void bound(InetSocketAddress address, WebSocketTransport transport) {
        bound.put(address, transport);
    }

    void closed(InetSocketAddress address, WebSocketTransport transport) {
        bound.remove(address, transport);
    }

    /** Datagrams as WebSocket frames of the stream transport bound at the same address. */
    private final class FrameDatagrams implements DatagramTransport {
        private final int maxDatagramSize;
        private volatile WebSocketTransport streams;

        FrameDatagrams(int maxDatagramSize) {
            this.maxDatagramSize = maxDatagramSize;
        }

        @Override
        public InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
            WebSocketTransport t = bound.get(address);
            if (t == null) {
                throw new IOException("no WebSocket transport of this factory is bound to " + address
                        + "; set this factory's streamTransport next to its datagrams()");
            }
            streams = t;
            return address;
        }

        @Override
        public int maxDatagramSize() {
            return maxDatagramSize;
        }

        @Override
        public void send(InetSocketAddress to, ByteBuffer datagram) {
            WebSocketTransport t = streams;
            if (t != null) {
                t.sendFrame(to, datagram);
            }
        }

        @Override
        public void close() {
            streams = null;
        }
    }
}
