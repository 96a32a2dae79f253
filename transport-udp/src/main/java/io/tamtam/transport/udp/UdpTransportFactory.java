package io.tamtam.transport.udp;

import io.netty.channel.EventLoopGroup;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.TransportOptions;

/**
 * Creates {@link UdpTransport}s. Registered for {@link java.util.ServiceLoader}, which uses the no-arg
 * constructor and the shared event loop group; construct it with a group to run on your own.
 */
public final class UdpTransportFactory implements DatagramTransport.Factory {

    private final EventLoopGroup group;

    /** A factory whose transports run on the JVM-wide shared event loop group. */
    public UdpTransportFactory() {
        this(null);
    }

    /**
     * A factory whose transports run on the caller's group.
     *
     * @param group an {@code EpollEventLoopGroup} or {@code NioEventLoopGroup} the caller shuts down, or
     *              {@code null} for the shared group
     */
    public UdpTransportFactory(EventLoopGroup group) {
        this.group = group;
    }

    @Override
    public DatagramTransport create(TransportOptions options) {
        return new UdpTransport(options, group);
    }
}
