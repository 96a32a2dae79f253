package io.tamtam.transport.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.tamtam.DropReason;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.TransportOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP datagram transport, on Netty: native epoll when it loads, NIO otherwise; IPv4 and IPv6.
 *
 * <p>Receiving: the socket reads each datagram into {@code maxDatagramSize + 1} bytes (on epoll up to 16
 * datagrams per {@code recvmmsg} call, each in its own slot of one buffer), so a datagram
 * longer than {@code maxDatagramSize} is recognised, dropped, counted in {@link #droppedOversized()} and
 * reported to {@link DatagramTransport.Listener#onDropped} as {@code OVERSIZED}. The {@link DatagramTransport.Listener} runs
 * on the Netty event loop thread that owns the socket and gets the datagram as the remaining bytes
 * (position to limit, the position is not necessarily zero) of a {@link ByteBuffer} that is valid only
 * during the call; the transport releases the memory after the call returns.
 *
 * <p>Sending: {@link #send} copies the bytes into a queue and, when the queue was idle, asks the event
 * loop to drain it; it never blocks and never throws for network errors. The event loop writes what is
 * queued and flushes once per drain, so a burst leaves in few system calls ({@code sendmmsg} on epoll),
 * and it stops writing while the channel is not writable (the socket's send buffer is full) until it is
 * again. The queue holds at most {@link #MAX_QUEUED_BYTES}: a datagram beyond it, one the socket refuses,
 * and one to an unresolved address are not sent, counted in {@link #unsentFailed()} and reported to
 * {@link DatagramTransport.Listener#onDropped} as {@code SEND_FAILED}. A datagram longer than
 * {@code maxDatagramSize} is not sent and is counted in {@link #unsentOversized()}.
 *
 * <p>Datagrams the kernel drops because the socket's receive buffer is full (the node reads too slowly
 * for what arrives) are read from the socket's drop count once a second on Linux ({@link SocketDrops}),
 * counted in {@link #droppedBySocket()} and reported as {@code RECEIVE_BUFFER_FULL}.
 *
 * <p>Socket buffers: the transport asks for {@link #SOCKET_RECEIVE_BUFFER} and {@link #SOCKET_SEND_BUFFER}
 * bytes; Linux grants at most {@code net.core.rmem_max} / {@code wmem_max}, doubled for its bookkeeping.
 * {@link #receiveBufferGranted()} and {@link #sendBufferGranted()} read what it granted.
 *
 * <p>Threads: by default every TamTam transport of the JVM shares one event loop group (see
 * {@link EventLoopLease#shared()}); pass your own group to
 * {@link #UdpTransport(TransportOptions, EventLoopGroup)} to run on it instead (TamTam then never shuts
 * it down).
 */
public final class UdpTransport implements DatagramTransport {

    /**
     * The socket receive buffer asked of the kernel, in bytes: 4 MiB. Linux caps it at
     * {@code net.core.rmem_max} and doubles it; with {@code rmem_max} at 4 MiB it grants 8 MiB, which
     * holds about 3,600 datagrams of 1,400 bytes or 10,000 of 140 on loopback (the kernel charges each
     * datagram its buffer's true size, 2.3 KB and 830 bytes there). A receiver that falls behind loses
     * what does not fit; the kernel counts it in {@code RcvbufErrors} ({@code netstat -su}) and the
     * transport in {@link #droppedBySocket()}.
     */
    public static final int SOCKET_RECEIVE_BUFFER = 4 << 20;
    /** The socket send buffer asked of the kernel, in bytes: 1 MiB (capped by {@code net.core.wmem_max}). */
    public static final int SOCKET_SEND_BUFFER = 1 << 20;
    /**
     * Bytes of datagrams queued for the event loop at most, per transport: 4 MiB. Beyond it a datagram is
     * not sent and is counted ({@code SEND_FAILED}).
     */
    public static final int MAX_QUEUED_BYTES = 4 << 20;
    /** Datagrams one epoll read takes at most in one {@code recvmmsg} call. */
    private static final int RECEIVE_BATCH = 16;
    /** Datagrams one drain writes at most before it yields the event loop to other channels. */
    private static final int MAX_WRITES_PER_DRAIN = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    private static final long CLOSE_WAIT_SECONDS = 5;
    private static final int MAX_UDP_PAYLOAD = 65_535;

    private final TransportOptions options;
    private final EventLoopGroup userGroup;
    private final LongAdder droppedOversized = new LongAdder();
    private final LongAdder unsentOversized = new LongAdder();
    private final LongAdder unsentFailed = new LongAdder();
    private final Queue<DatagramPacket> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private final ChannelFutureListener written = this::written;
    private final LongAdder droppedBySocket = new LongAdder();
    private volatile Listener listener;
    private List<String> watchedDrops = List.of();
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
        int slot = Math.min(max, MAX_UDP_PAYLOAD) + 1;
        // On epoll, each read takes up to RECEIVE_BATCH datagrams in one recvmmsg call, each into its own
        // slot of maxDatagramSize + 1 bytes of one buffer (an oversized datagram still shows as one byte
        // too long); NIO reads one datagram per call.
        int batch = acquired.epoll() ? Math.max(1, Math.min(RECEIVE_BATCH, MAX_UDP_PAYLOAD / slot)) : 1;
        Bootstrap bootstrap = new Bootstrap()
                .group(acquired.group())
                .channel(acquired.datagramChannelType())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(slot * batch))
                .option(ChannelOption.SO_RCVBUF, SOCKET_RECEIVE_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_SEND_BUFFER)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .handler(new DatagramReceiver(listener, max, droppedOversized, this::writable));
        if (batch > 1) {
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot);
        }
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            acquired.release();
            Throwable cause = bound.cause();
            throw new IOException("cannot bind UDP to " + address + " (" + cause.getMessage()
                    + "); pick another port, or port 0 for a free one", cause);
        }
        lease = acquired;
        this.listener = listener;
        channel = bound.channel();
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        watchedDrops = SocketDrops.watch(local, channel.eventLoop(), this::droppedBySocket);
        LOG.debug("UDP transport bound to {} ({}), socket buffers granted: receive {} bytes, send {} bytes",
                local, acquired.epoll() ? "epoll" : "nio", receiveBufferGranted(), sendBufferGranted());
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
            unsent(to);
            return;
        }
        if (queuedBytes.addAndGet(length) > MAX_QUEUED_BYTES) {
            queuedBytes.addAndGet(-length);
            LOG.debug("Not sending a datagram to {}: {} bytes wait for the socket already", to, MAX_QUEUED_BYTES);
            unsent(to);
            return;
        }
        ByteBuf copy = ch.alloc().directBuffer(length);
        int position = datagram.position();
        copy.writeBytes(datagram);
        datagram.position(position);
        queue.offer(new DatagramPacket(copy, to));
        if (draining.compareAndSet(false, true)) {
            ch.eventLoop().execute(drain);
        }
    }

    /**
     * Runs the task on this socket's event loop in a later pass than the current one: a task scheduled
     * from the event loop waits in its scheduled queue, which the loop empties into its run queue once per
     * pass, after that pass has read the sockets that were ready. What the socket held when this was
     * called has then been read, as far as one read takes it (a socket with more left is read on by a task
     * queued ahead of this one). When the transport is not bound, closed, or its event loop is shutting
     * down, the task runs at once.
     */
    @Override
    public void afterPendingReads(Runnable task) {
        Channel ch = channel;
        if (ch == null || closed) {
            task.run();
            return;
        }
        try {
            ch.eventLoop().execute(() -> ch.eventLoop().schedule(task, 0, TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /**
     * On the event loop: writes queued datagrams while the channel is writable, at most
     * {@link #MAX_WRITES_PER_DRAIN}, and flushes once. What stays queued is drained again at once when
     * the channel is writable, else when it becomes writable ({@link #writable}).
     */
    private void drain() {
        Channel ch = channel;
        draining.set(false);
        if (ch == null) {
            return;
        }
        if (!ch.isActive()) {
            discardQueued();
            return;
        }
        int writes = 0;
        DatagramPacket packet;
        while (writes < MAX_WRITES_PER_DRAIN && ch.isWritable() && (packet = queue.poll()) != null) {
            queuedBytes.addAndGet(-packet.content().readableBytes());
            ch.write(packet, ch.newPromise().addListener(written));
            writes++;
        }
        if (writes > 0) {
            ch.flush();
        }
        if (!queue.isEmpty() && ch.isWritable()) {
            drainLater(ch);
        }
    }

    /** Called on the event loop when the channel's writability changed. */
    private void writable(boolean isWritable) {
        Channel ch = channel;
        if (isWritable && ch != null && !queue.isEmpty()) {
            drainLater(ch);
        }
    }

    private void drainLater(Channel ch) {
        if (draining.compareAndSet(false, true)) {
            ch.eventLoop().execute(drain);
        }
    }

    private void written(ChannelFuture f) {
        if (!f.isSuccess()) {
            LOG.debug("UDP socket {} did not send a datagram", f.channel().localAddress(), f.cause());
            unsent(null);
        }
    }

    private void unsent(InetSocketAddress to) {
        unsentFailed.increment();
        Listener l = listener;
        if (l != null) {
            try {
                l.onDropped(to, DropReason.SEND_FAILED);
            } catch (RuntimeException e) {
                LOG.warn("Datagram listener failed on a drop report", e);
            }
        }
    }

    /** The kernel dropped datagrams for this socket: its receive buffer was full. */
    private void droppedBySocket(long datagrams) {
        droppedBySocket.add(datagrams);
        Listener l = listener;
        if (l == null) {
            return;
        }
        try {
            l.onDropped(null, DropReason.RECEIVE_BUFFER_FULL, datagrams); // one call per look, however many
        } catch (RuntimeException e) {
            LOG.warn("Datagram listener failed on a drop report", e);
        }
    }

    /** Releases what is still queued, counting each as not sent. */
    private void discardQueued() {
        DatagramPacket packet;
        while ((packet = queue.poll()) != null) {
            queuedBytes.addAndGet(-packet.content().readableBytes());
            packet.release();
            if (!closed) {
                unsent(packet.recipient());
            }
        }
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
     * @return datagrams not sent because the send queue was at {@link #MAX_QUEUED_BYTES}, the socket
     *         refused them, or their address did not resolve
     */
    public long unsentFailed() {
        return unsentFailed.sum();
    }

    /**
     * @return inbound datagrams the kernel dropped because this socket's receive buffer was full, as read
     *         once a second from {@code /proc/net/udp} (Linux; 0 elsewhere)
     */
    public long droppedBySocket() {
        return droppedBySocket.sum();
    }

    /** @return bytes of datagrams queued for the event loop now */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** @return the socket receive buffer the kernel granted, in bytes, or 0 when not bound */
    public int receiveBufferGranted() {
        Channel ch = channel;
        return ch == null ? 0 : ch.config().getOption(ChannelOption.SO_RCVBUF);
    }

    /** @return the socket send buffer the kernel granted, in bytes, or 0 when not bound */
    public int sendBufferGranted() {
        Channel ch = channel;
        return ch == null ? 0 : ch.config().getOption(ChannelOption.SO_SNDBUF);
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
        SocketDrops.unwatch(watchedDrops);
        ChannelFuture closing = ch.close();
        closing.addListener(f -> discardQueued());
        if (!ch.eventLoop().inEventLoop()) {
            closing.awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        held.release();
    }
}
