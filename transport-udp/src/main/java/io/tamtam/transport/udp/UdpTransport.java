package io.tamtam.transport.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.TransportOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP datagram transport, on Netty: native epoll when it loads, NIO otherwise; IPv4 and IPv6.
 *
 * <p>Receiving: the socket reads into a buffer of {@code maxDatagramSize + 1} bytes, so a datagram
 * longer than {@code maxDatagramSize} is recognised, dropped, counted in {@link #droppedOversized()} and
 * reported to {@link DatagramTransport.Listener#onDropped} as {@code OVERSIZED}. The {@link DatagramTransport.Listener} runs
 * on the Netty event loop thread that owns the socket and gets the datagram as the remaining bytes
 * (position to limit, the position is not necessarily zero) of a {@link ByteBuffer} that is valid only
 * during the call; the transport releases the memory after the call returns.
 *
 * <p>Sending: {@link #send} copies the bytes and hands them to the event loop; it never blocks and
 * never throws for network errors. A datagram longer than {@code maxDatagramSize} is not sent and is
 * counted in {@link #unsentOversized()}.
 *
 * <p>Threads: by default every TamTam transport of the JVM shares one event loop group (see
 * {@link EventLoopLease#shared()}); pass your own group to
 * {@link #UdpTransport(TransportOptions, EventLoopGroup)} to run on it instead (TamTam then never shuts
 * it down).
 */
public final class UdpTransport implements DatagramTransport {

    /** The socket receive buffer asked of the kernel, in bytes; the kernel may grant less. */
    public static final int SOCKET_RECEIVE_BUFFER = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    private static final long CLOSE_WAIT_SECONDS = 5;
    private static final int MAX_UDP_PAYLOAD = 65_535;

    private final TransportOptions options;
    private final EventLoopGroup userGroup;
    private final LongAdder droppedOversized = new LongAdder();
    private final LongAdder unsentOversized = new LongAdder();
    private EventLoopLease lease;
    private volatile Channel channel;
    private volatile boolean closed;

    /**
     * A transport on the JVM-wide shared event loop group.
     *
     * @param options the cluster's transport settings
     */
    public UdpTransport(TransportOptions options) {
        this(options, null);
    }

    /**
     * A transport on the caller's event loop group.
     *
     * @param options the cluster's transport settings
     * @param group   an {@code EpollEventLoopGroup} or {@code NioEventLoopGroup} the caller owns and shuts
     *                down after closing this transport, or {@code null} for the shared group
     */
    public UdpTransport(TransportOptions options, EventLoopGroup group) {
        this.options = Objects.requireNonNull(options, "options");
        if (options.maxDatagramSize() < 1) {
            throw new IllegalArgumentException("maxDatagramSize must be at least 1 byte, not "
                    + options.maxDatagramSize());
        }
        this.userGroup = group;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A failed bind leaves the transport unbound, so it may be called again with another address.
     *
     * @throws IllegalStateException when the transport is already bound or closed
     */
    @Override
    public synchronized InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            throw new IllegalStateException("this UDP transport is closed; create a new one");
        }
        if (channel != null) {
            throw new IllegalStateException("this UDP transport is already bound to " + channel.localAddress());
        }
        EventLoopLease acquired = userGroup == null ? EventLoopLease.shared() : EventLoopLease.borrowed(userGroup);
        int max = options.maxDatagramSize();
        Bootstrap bootstrap = new Bootstrap()
                .group(acquired.group())
                .channel(acquired.datagramChannelType())
                .option(ChannelOption.RCVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(Math.min(max, MAX_UDP_PAYLOAD) + 1))
                .option(ChannelOption.SO_RCVBUF, SOCKET_RECEIVE_BUFFER)
                .handler(new DatagramReceiver(listener, max, droppedOversized));
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            acquired.release();
            Throwable cause = bound.cause();
            throw new IOException("cannot bind UDP to " + address + " (" + cause.getMessage()
                    + "); pick another port, or port 0 for a free one", cause);
        }
        lease = acquired;
        channel = bound.channel();
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        LOG.debug("UDP transport bound to {} ({})", local, acquired.epoll() ? "epoll" : "nio");
        return local;
    }

    @Override
    public int maxDatagramSize() {
        return options.maxDatagramSize();
    }

    @Override
    public void send(InetSocketAddress to, ByteBuffer datagram) {
        int length = datagram.remaining();
        if (length > options.maxDatagramSize()) {
            unsentOversized.increment();
            LOG.debug("Not sending a datagram of {} bytes to {}: maxDatagramSize is {} bytes",
                    length, to, options.maxDatagramSize());
            return;
        }
        Channel ch = channel;
        if (ch == null || closed) {
            LOG.debug("Not sending a datagram to {}: the UDP transport is {}", to, closed ? "closed" : "not bound");
            return;
        }
        if (to.isUnresolved()) {
            LOG.debug("Not sending a datagram to unresolved address {}", to);
            return;
        }
        ByteBuf copy = ch.alloc().directBuffer(length);
        int position = datagram.position();
        copy.writeBytes(datagram);
        datagram.position(position);
        // A failed write releases the copy and reports to DatagramReceiver.exceptionCaught.
        ch.writeAndFlush(new DatagramPacket(copy, to), ch.voidPromise());
    }

    /** @return the lease on the event loop group, or {@code null} when not bound */
    synchronized EventLoopLease lease() {
        return lease;
    }

    /** @return inbound datagrams dropped because they were longer than {@code maxDatagramSize} */
    public long droppedOversized() {
        return droppedOversized.sum();
    }

    /** @return datagrams {@link #send} did not send because they were longer than {@code maxDatagramSize} */
    public long unsentOversized() {
        return unsentOversized.sum();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Waits (up to 5 seconds) for the socket to close, unless called on an event loop thread.
     */
    @Override
    public void close() {
        Channel ch;
        EventLoopLease held;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ch = channel;
            held = lease;
        }
        if (ch == null) {
            return;
        }
        ChannelFuture closing = ch.close();
        if (!ch.eventLoop().inEventLoop()) {
            closing.awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        held.release();
    }
}
