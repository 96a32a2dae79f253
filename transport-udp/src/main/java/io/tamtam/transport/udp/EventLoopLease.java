package io.tamtam.transport.udp;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A transport's hold on a Netty event loop group, with the channel types that run on it.
 *
 * <p>TamTam's Netty transports (this module's UDP transport and {@code tamtam-transport-tcp}) share
 * one lease type so that every node of a JVM runs on one group: {@link #shared()} hands out the
 * JVM-wide, reference-counted group, so 128 nodes in one JVM cost a handful of threads and file
 * descriptors rather than a group each. {@link #borrowed(EventLoopGroup)} wraps a group the user owns;
 * releasing such a lease never shuts the group down.
 *
 * <p>This class supports the transports; applications need it only to pass their own group, which they
 * do through the transports' constructors. Thread-safe.
 */
public final class EventLoopLease {

    private final EventLoopGroup group;
    private final boolean epoll;
    private final boolean owned;
    private final AtomicBoolean released = new AtomicBoolean();

    private EventLoopLease(EventLoopGroup group, boolean owned) {
        this.group = group;
        this.owned = owned;
        this.epoll = group instanceof EpollEventLoopGroup
                || group instanceof EventLoop loop && loop.parent() instanceof EpollEventLoopGroup;
    }

    /**
     * Takes a reference to the JVM-wide group, creating it if no transport holds it.
     *
     * @return a lease that must be {@link #release released} once
     */
    public static EventLoopLease shared() {
        return new EventLoopLease(SharedEventLoopGroup.acquire(), true);
    }

    /**
     * Wraps a group the caller owns and shuts down itself.
     *
     * @param group an {@code EpollEventLoopGroup} or {@code NioEventLoopGroup} (or one of their loops)
     * @return a lease whose release leaves the group running
     */
    public static EventLoopLease borrowed(EventLoopGroup group) {
        return new EventLoopLease(Objects.requireNonNull(group, "group"), false);
    }

    /** @return how many leases on the JVM-wide group are held; 0 means the group is shut down */
    public static int sharedReferences() {
        return SharedEventLoopGroup.references();
    }

    /** @return the group to register channels with */
    public EventLoopGroup group() {
        return group;
    }

    /** @return whether the group runs the native epoll transport */
    public boolean epoll() {
        return epoll;
    }

    /** @return the UDP channel type for this group */
    public Class<? extends DatagramChannel> datagramChannelType() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /** @return the TCP client channel type for this group */
    public Class<? extends SocketChannel> socketChannelType() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** @return the TCP server channel type for this group */
    public Class<? extends ServerSocketChannel> serverSocketChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Gives the group back: the last release of the shared group shuts it down. Idempotent. */
    public void release() {
        if (released.compareAndSet(false, true) && owned) {
            SharedEventLoopGroup.release(group);
        }
    }
}
