package io.tamtam.transport.tcp;

import io.netty.channel.EventLoopGroup;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;

/**
 * Creates {@link TcpTransport}s. Registered for {@link java.util.ServiceLoader}, which uses the no-arg
 * constructor and the shared event loop group; construct it with a group to run on your own.
 */
public final class TcpTransportFactory implements StreamTransport.Factory {

    private final EventLoopGroup group;
    private final TlsConfig tls;

    /** A factory whose transports run on the JVM-wide shared event loop group. */
    public TcpTransportFactory() {
        this(null);
    }

    /**
     * A factory whose transports run on the caller's group.
     *
     * @param group an {@code EpollEventLoopGroup} or {@code NioEventLoopGroup} the caller shuts down, or
     *              {@code null} for the shared group
     */
    public TcpTransportFactory(EventLoopGroup group) {
        this(group, null);
    }

    /**
     * A factory whose transports speak mutual TLS.
     *
     * @param group an event loop group the caller shuts down, or {@code null} for the shared group
     * @param tls   the node's certificate and the CA it trusts, or {@code null} for plaintext
     */
    public TcpTransportFactory(EventLoopGroup group, TlsConfig tls) {
        this.group = group;
        this.tls = tls;
    }

    @Override
    public StreamTransport create(TransportOptions options) {
        return new TcpTransport(options, group, tls);
    }
}
