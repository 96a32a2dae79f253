package io.tamtam.transport.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import io.tamtam.transport.udp.EventLoopLease;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP stream transport, on Netty (native epoll when it loads, NIO otherwise; IPv4 and IPv6):
 * length-prefixed frames over pooled connections, and dedicated byte streams.
 *
 * <h2>Wire format</h2>
 * Every connection starts with an 8-byte preface written by the connecting side:
 * <table>
 *   <caption>Connection preface</caption>
 *   <tr><th>Offset</th><th>Size</th><th>Field</th><th>Value</th></tr>
 *   <tr><td>0</td><td>4</td><td>magic</td><td>{@code 0x54 0x41 0x4D 0x54} (ASCII {@code "TAMT"})</td></tr>
 *   <tr><td>4</td><td>1</td><td>version</td><td>{@code 0x01}</td></tr>
 *   <tr><td>5</td><td>1</td><td>kind</td><td>{@code 0x01} FRAMES (pooled frame connection),
 *       {@code 0x02} STREAM (dedicated byte stream)</td></tr>
 *   <tr><td>6</td><td>2</td><td>listen port</td><td>the connector's listen port, unsigned big-endian;
 *       {@code 0} when it does not listen</td></tr>
 * </table>
 * A connection with a wrong magic, version or kind is reported to
 * {@link StreamTransport.Listener#onDropped} ({@code BAD_MAGIC}, {@code UNSUPPORTED_VERSION},
 * {@code MALFORMED}) and closed; one that sends no complete preface within {@code prefaceTimeout} is
 * reported as {@code SLOW_SENDER} and closed.
 *
 * <p>After a FRAMES preface both sides send frames: a 4-byte unsigned big-endian length, then that many
 * bytes. A length above {@code maxFrameSize} is refused before anything is allocated for it: the listener
 * hears {@code OVERSIZED} and the connection is closed. After a STREAM preface the connection carries raw
 * bytes in both directions, half-closed by a FIN.
 *
 * <h2>Inbound limits</h2>
 * Nothing at this layer is authenticated, so what a peer can make the node hold is bounded before any
 * content is checked; every refusal reaches {@link StreamTransport.Listener#onDropped}:
 * <ul>
 *   <li>Accepted connections (frames and streams) are counted when accepted; one beyond
 *       {@code maxInboundConnections} in all or {@code maxInboundConnectionsPerIp} from its remote IP is
 *       closed at once ({@code CONNECTION_LIMIT}).</li>
 *   <li>A frame of at most 64 KiB collects in its connection's buffer. A larger frame reserves its whole
 *       length from one budget of {@code inboundBufferBudget} bytes shared by all connections of the
 *       transport when its length prefix arrives, and only then gets a buffer. When the budget has no room
 *       the connection stops reading (reservations are granted first come, first served); a frame that
 *       waited {@code receiveGrace} for room closes its connection ({@code OVER_BUDGET}). The bytes return
 *       to the budget when the frame was handed to the listener or its connection closed
 *       ({@link #inboundBufferReserved()}). The buffer of the last large frame (one, of at least 1 MiB) is
 *       kept, outside the budget, for the next large frame, until the transport closes. A frame over 1 MiB
 *       is offered to the listener once its first MiB has arrived: when it gives an array for the frame's
 *       last bytes ({@link StreamTransport.Listener#largeFrameTail}), the rest of the frame is received
 *       straight into that array, within the same reservation.</li>
 *   <li>A frame in progress (any size, its length prefix included) must keep up {@code minReceiveRate}:
 *       {@code receiveGrace + t} after its first byte (for a frame that waited for budget: after it got
 *       it), at least {@code minReceiveRate × t} of its bytes must have arrived, else the connection is
 *       closed ({@code SLOW_SENDER}). The check runs every
 *       {@code min(receiveGrace, 1 s) / 2}.</li>
 * </ul>
 * Failures that are not refused input (a pipeline exception other than an {@code IOException}, an
 * accept error, a listener that throws) go to {@link StreamTransport.Listener#onFailure}.
 *
 * <h2>Frame connections</h2>
 * One connection per remote listen address, opened by the first {@link #sendFrame} and used both ways: the
 * acceptor maps an inbound FRAMES connection to the connector's listen address (its IP and the preface's
 * port) and sends its own frames to that node on it, so a pair of nodes normally shares one connection
 * (two when both open at the same moment). A connection closes when for {@code idleTimeout} it has
 * written no frame and received no complete frame, and has no frame queued or arriving; bytes of an
 * unfinished frame do not count as traffic (the minimum receive rate governs a frame in progress).
 * Frames sent while the connection opens wait for it; at most 64 MiB of frames wait per connection, beyond
 * which {@link #sendFrame} fails with "send queue full". Frames to one address are written in call order,
 * many per flush, from the connection's event loop; a future completes when its frame was handed to the
 * socket. A write that makes no progress for {@code writeTimeout} closes the connection; a connection that
 * breaks fails its pending futures with the cause, and the next frame opens a new one. At most
 * {@value #MAX_FRAME_CONNECTIONS} frame connections, opened or accepted, are kept: a frame to a new address
 * beyond that fails ("too many frame connections"), and the idle connections are closed then, so that
 * later frames find room (a node made to send to many addresses cannot run out of file descriptors).
 *
 * <h2>TLS</h2>
 * Built with a {@link TlsConfig}, the transport speaks mutual TLS on every connection before the preface:
 * the accepting side requires a client certificate chaining to the cluster CA, the connecting side checks
 * the server's certificate against the CA and, unless turned off, that it names the address connected to.
 * With TLS a node sends its frames only on connections it opened (two connections per pair of nodes that
 * talk both ways), so each destination has proven that name. A failed handshake closes the connection and
 * reaches {@link StreamTransport.Listener#onDropped} as {@code TLS_REFUSED}; pending frames fail.
 *
 * <h2>Streams</h2>
 * {@link #openStream} opens a dedicated connection; each direction buffers at most
 * {@value #STREAM_BUFFER_BYTES} bytes in the transport (plus the kernel's socket buffers), blocking the
 * writer beyond that. See {@link StreamChannel} for the close semantics.
 *
 * <h2>Threads</h2>
 * The {@link StreamTransport.Listener} runs on Netty event loop threads. {@code onFrame} gets the frame as
 * the remaining bytes (position to limit; the position is not necessarily zero) of a {@link ByteBuffer}
 * valid only during the call. By default all TamTam transports of the JVM share one event loop group
 * ({@link EventLoopLease#shared()}); {@link #TcpTransport(TransportOptions, EventLoopGroup)} runs on yours.
 */
public final class TcpTransport implements StreamTransport {

    /** Bytes a stream buffers per direction before the writer blocks or the reader's socket pauses. */
    public static final int STREAM_BUFFER_BYTES = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);
    /** Stream sockets read up to 1 MiB at once: fewer, larger hand-offs to the reading thread. */
    private static final AdaptiveRecvByteBufAllocator STREAM_READS =
            new AdaptiveRecvByteBufAllocator(512, 64 << 10, 1 << 20);
    private static final int FRAME_PREFIX = 4;
    /** Frames above this many bytes (length prefix included) are copied into pooled buffers of this size. */
    static final int FRAME_CHUNK = 1 << 20;
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);

    private final TransportOptions options;
    private final TlsConfig tls;
    private final EventLoopGroup userGroup;
    private final long idleTimeoutNanos;
    private final long writeTimeoutNanos;
    private final int connectTimeoutMillis;
    private final long prefaceTimeoutNanos;
    private final long receiveGraceNanos;
    private final InboundBudget inboundBudget;
    private final SpareFrameBuffer spareFrameBuffer = new SpareFrameBuffer();
    private final InboundLimits inboundLimits;
    private final ConcurrentHashMap<InetSocketAddress, FrameConnection> pool = new ConcurrentHashMap<>();
    private final Set<FrameConnection> connections = ConcurrentHashMap.newKeySet();
    /** Most frame connections kept, opened and accepted; see the class comment. */
    static final int MAX_FRAME_CONNECTIONS = 8192;
    private volatile int maxFrameConnections = MAX_FRAME_CONNECTIONS;
    private final Set<TcpStreamChannel> streams = ConcurrentHashMap.newKeySet();
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openFrameConnections = new AtomicInteger();
    private final ChannelFutureListener untrack = future -> channels.remove(future.channel());
    private volatile boolean closed;
    private volatile Listener listener;
    private volatile int listenPort;
    // Written by bind before its volatile write of listener, read after a read of listener.
    private EventLoopLease lease;
    private Bootstrap frameBootstrap;
    private Bootstrap streamBootstrap;
    private Channel server;

    /**
     * A transport on the JVM-wide shared event loop group.
     *
     * @param options the cluster's transport settings
     */
    public TcpTransport(TransportOptions options) {
        this(options, null);
    }

    /**
     * A transport on the caller's event loop group.
     *
     * @param options the cluster's transport settings
     * @param group   an {@code EpollEventLoopGroup} or {@code NioEventLoopGroup} the caller owns and shuts
     *                down after closing this transport, or {@code null} for the shared group
     */
    public TcpTransport(TransportOptions options, EventLoopGroup group) {
        this(options, group, null);
    }

    /**
     * A transport that speaks mutual TLS on every connection.
     *
     * @param options the cluster's transport settings
     * @param group   an event loop group the caller owns, or {@code null} for the shared group
     * @param tls     the node's certificate and the CA it trusts, or {@code null} for plaintext
     */
    public TcpTransport(TransportOptions options, EventLoopGroup group, TlsConfig tls) {
        this.tls = tls;
        this.options = Objects.requireNonNull(options, "options");
        if (options.maxFrameSize() < 1) {
            throw new IllegalArgumentException("maxFrameSize must be at least 1 byte, not " + options.maxFrameSize());
        }
        this.userGroup = group;
        this.idleTimeoutNanos = positiveNanos(options.idleTimeout(), "idleTimeout");
        this.writeTimeoutNanos = positiveNanos(options.writeTimeout(), "writeTimeout");
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE,
                Math.max(1, positiveNanos(options.connectTimeout(), "connectTimeout") / 1_000_000));
        this.prefaceTimeoutNanos = positiveNanos(options.prefaceTimeout(), "prefaceTimeout");
        this.receiveGraceNanos = positiveNanos(options.receiveGrace(), "receiveGrace");
        atLeast(options.minReceiveRate(), 1, "minReceiveRate");
        atLeast(options.maxInboundConnections(), 1, "maxInboundConnections");
        atLeast(options.maxInboundConnectionsPerIp(), 1, "maxInboundConnectionsPerIp");
        if (options.inboundBufferBudget() < options.maxFrameSize()) {
            throw new IllegalArgumentException("inboundBufferBudget (" + options.inboundBufferBudget()
                    + " bytes) must be at least maxFrameSize (" + options.maxFrameSize()
                    + " bytes), or a largest frame could never be received");
        }
        this.inboundBudget = new InboundBudget(options.inboundBufferBudget());
        this.inboundLimits = new InboundLimits(options.maxInboundConnections(), options.maxInboundConnectionsPerIp());
    }

    private static void atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", not " + value);
        }
    }

    private static long positiveNanos(java.time.Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + duration);
        }
        return duration.toNanos();
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
            throw new IllegalStateException("this TCP transport is closed; create a new one");
        }
        if (server != null) {
            throw new IllegalStateException("this TCP transport is already bound to " + server.localAddress());
        }
        EventLoopLease acquired = userGroup == null ? EventLoopLease.shared() : EventLoopLease.borrowed(userGroup);
        frameBootstrap = new Bootstrap()
                .channel(acquired.socketChannelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        streamBootstrap = frameBootstrap.clone()
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, STREAM_READS);
        lease = acquired;
        this.listener = listener; // volatile: publishes the fields above to sending threads
        ServerBootstrap serverBootstrap = new ServerBootstrap()
                .group(acquired.group())
                .channel(acquired.serverSocketChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        failure("accepting TCP connections on " + ctx.channel().localAddress() + " failed", cause);
                        ctx.fireExceptionCaught(cause);
                    }
                })
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        track(ch);
                        if (admit(ch)) {
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newServerHandler(ch.alloc()), tlsWatcher());
                            }
                            ch.pipeline().addLast(new PrefaceDecoder(TcpTransport.this, prefaceTimeoutNanos));
                        }
                    }
                });
        ChannelFuture bound = serverBootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            this.listener = null;
            lease = null;
            acquired.release();
            Throwable cause = bound.cause();
            throw new IOException("cannot bind TCP to " + address + " (" + cause.getMessage()
                    + "); pick another port, or port 0 for a free one", cause);
        }
        server = bound.channel();
        InetSocketAddress local = (InetSocketAddress) server.localAddress();
        listenPort = local.getPort();
        LOG.debug("TCP transport bound to {} ({})", local, acquired.epoll() ? "epoll" : "nio");
        return local;
    }

    @Override
    public int maxFrameSize() {
        return options.maxFrameSize();
    }

    @Override
    public CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer frame) {
        return sendFrame(to, frame, NO_BYTES);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Both ranges are copied once, into one direct buffer with the length prefix, or for a frame above
     * {@value #FRAME_CHUNK} bytes into pooled direct buffers of that size that one gathering write sends.
     */
    @Override
    public CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer head, ByteBuffer body) {
        Objects.requireNonNull(to, "to");
        long length = (long) head.remaining() + body.remaining();
        if (length > options.maxFrameSize()) {
            return CompletableFuture.failedFuture(new IOException("frame of " + length
                    + " bytes exceeds maxFrameSize of " + options.maxFrameSize()
                    + " bytes; send it over a stream or raise maxFrameSize"));
        }
        IOException unusable = unusable();
        if (unusable != null) {
            return CompletableFuture.failedFuture(unusable);
        }
        if (!pool.containsKey(to) && connections.size() >= maxFrameConnections) {
            connections.forEach(FrameConnection::closeIfIdle);
            return CompletableFuture.failedFuture(new IOException("too many frame connections (" + connections.size()
                    + ", at most " + maxFrameConnections + ") to open one to " + to + "; the idle ones are being closed:"
                    + " try again"));
        }
        FrameWrite write = new FrameWrite(encodeFrame(ByteBufAllocator.DEFAULT, (int) length, head, body));
        connectionTo(to).enqueue(write);
        return write;
    }

    /**
     * @param alloc  allocates the direct buffers
     * @param length the frame's length, {@code head.remaining() + body.remaining()}
     * @param head   the first bytes, from position to limit (the position is left as it was)
     * @param body   the bytes after them, likewise
     * @return the length prefix and the bytes: one buffer up to {@value #FRAME_CHUNK} bytes, above that a
     *         composite of buffers of at most {@value #FRAME_CHUNK} bytes (pooled, so a large frame costs
     *         no allocation of its whole length)
     */
    static ByteBuf encodeFrame(ByteBufAllocator alloc, int length, ByteBuffer head, ByteBuffer body) {
        long total = FRAME_PREFIX + (long) length;
        if (total <= FRAME_CHUNK) {
            ByteBuf out = alloc.directBuffer((int) total);
            out.writeInt(length);
            out.writeBytes(head.duplicate());
            out.writeBytes(body.duplicate());
            return out;
        }
        CompositeByteBuf out = alloc.compositeDirectBuffer((int) ((total + FRAME_CHUNK - 1) / FRAME_CHUNK));
        ByteBuf chunk = null;
        try {
            long left = total;
            chunk = alloc.directBuffer(FRAME_CHUNK);
            chunk.writeInt(length);
            left -= FRAME_PREFIX;
            for (ByteBuffer part : new ByteBuffer[] {head, body}) {
                ByteBuffer src = part.duplicate();
                while (src.hasRemaining()) {
                    if (!chunk.isWritable()) {
                        out.addComponent(true, chunk);
                        chunk = null;
                        chunk = alloc.directBuffer((int) Math.min(FRAME_CHUNK, left));
                    }
                    int n = Math.min(chunk.writableBytes(), src.remaining());
                    chunk.writeBytes(src.slice(src.position(), n));
                    src.position(src.position() + n);
                    left -= n;
                }
            }
            out.addComponent(true, chunk);
            return out;
        } catch (RuntimeException | Error e) {
            if (chunk != null) {
                chunk.release();
            }
            out.release();
            throw e;
        }
    }

    @Override
    public CompletableFuture<StreamChannel> openStream(InetSocketAddress to) {
        Objects.requireNonNull(to, "to");
        IOException unusable = unusable();
        if (unusable != null) {
            return CompletableFuture.failedFuture(unusable);
        }
        CompletableFuture<StreamChannel> result = new CompletableFuture<>();
        ChannelFuture connecting = streamBootstrap.clone(lease.group()).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                track(ch);
                addClientTls(ch, to);
                ch.pipeline().addLast(new StreamHandler(TcpTransport.this, new TcpStreamChannel(ch, to,
                        STREAM_BUFFER_BYTES, writeTimeoutNanos)));
            }
        }).connect(to);
        connecting.addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                result.completeExceptionally(connectFailure(to, connected.cause()));
                return;
            }
            Channel ch = connected.channel();
            StreamHandler handler = ch.pipeline().get(StreamHandler.class);
            if (handler == null) {
                ch.close();
                result.completeExceptionally(closed ? closedException()
                        : new IOException("the stream connection to " + to + " closed while opening"));
                return;
            }
            ch.writeAndFlush(Preface.encode(ch.alloc(), Preface.KIND_STREAM, listenPort), ch.voidPromise());
            TcpStreamChannel stream = handler.stream();
            if (!result.complete(stream) || closed) {
                stream.close();
            }
        });
        return result;
    }

    private IOException unusable() {
        if (closed) {
            return closedException();
        }
        if (listener == null) {
            return new IOException("the TCP transport is not bound; call bind first");
        }
        return null;
    }

    private IOException connectFailure(InetSocketAddress to, Throwable cause) {
        if (closed) {
            return closedException();
        }
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return new IOException("connecting to " + to + " timed out after " + connectTimeoutMillis
                    + " ms; check that the node is up and reachable", cause);
        }
        return new IOException("cannot connect to " + to + " (" + cause.getMessage()
                + "); check that the node is up and listening there", cause);
    }

    /**
     * @return the number of open frame connections, inbound and outbound; a pair of nodes that exchange
     *         frames normally shares one
     */
    public int openConnections() {
        return openFrameConnections.get();
    }

    /** @param max the most frame connections kept, for tests (default {@value #MAX_FRAME_CONNECTIONS}) */
    void maxFrameConnections(int max) {
        maxFrameConnections = max;
    }

    /** @return the number of open streams, inbound and outbound */
    public int openStreams() {
        return streams.size();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Pending frame futures fail with {@code IOException("transport closed")}; open streams are closed
     * (blocked reads and writes fail). Waits (up to 5 seconds) for the sockets to close, unless called on
     * an event loop thread.
     */
    @Override
    public void close() {
        EventLoopLease held;
        Channel serverChannel;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            held = lease;
            serverChannel = server;
        }
        IOException cause = closedException();
        List<ChannelFuture> closing = new ArrayList<>();
        if (serverChannel != null) {
            closing.add(serverChannel.close());
        }
        for (FrameConnection connection : connections) {
            connection.shutdown(cause);
        }
        for (TcpStreamChannel stream : streams) {
            stream.close();
        }
        for (Channel ch : channels) {
            closing.add(ch.close());
        }
        spareFrameBuffer.close();
        if (held == null) {
            return;
        }
        Closing.awaitAndRelease(closing, held);
    }

    /** @return the exception pending work fails with after {@link #close()} */
    static IOException closedException() {
        return new IOException("transport closed");
    }

    // ---- for the connection classes ---------------------------------------------------------------

    /**
     * @param to a remote listen address
     * @return the live pooled connection to it, opening one if there is none
     */
    FrameConnection connectionTo(InetSocketAddress to) {
        FrameConnection existing = pool.get(to);
        if (existing != null && !existing.isClosed()) {
            return existing;
        }
        FrameConnection fresh = new FrameConnection(this, to, lease.group().next());
        FrameConnection chosen = pool.compute(to, (key, old) -> old != null && !old.isClosed() ? old : fresh);
        if (chosen == fresh) {
            connections.add(fresh);
            if (closed) {
                fresh.shutdown(closedException());
            } else {
                fresh.connect(frameBootstrap);
            }
        }
        return chosen;
    }

    /**
     * Takes an inbound connection whose preface was valid; on its event loop.
     *
     * @param ch         the channel
     * @param kind       the preface's kind
     * @param listenPort the preface's listen port
     */
    void accept(Channel ch, int kind, int listenPort) {
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        if (kind == Preface.KIND_STREAM) {
            ch.config().setRecvByteBufAllocator(STREAM_READS);
            TcpStreamChannel stream = new TcpStreamChannel(ch, remote, STREAM_BUFFER_BYTES, writeTimeoutNanos);
            ch.pipeline().addLast(new StreamHandler(this, stream));
            if (closed) {
                stream.close();
                return;
            }
            try {
                listener.onStream(stream);
            } catch (RuntimeException e) {
                LOG.debug("Stream listener failed on a stream from {}; closing the stream", remote, e);
                failure("the stream listener failed on a stream from " + remote + "; the stream was closed", e);
                stream.close();
            }
            return;
        }
        // With TLS this node sends on connections it opened itself, so that every peer it sends to has shown
        // a certificate naming the address connected to.
        InetSocketAddress key = listenPort == 0 || tls != null ? null
                : new InetSocketAddress(remote.getAddress(), listenPort);
        FrameConnection connection = new FrameConnection(this, key, ch.eventLoop());
        ch.pipeline().addLast(connection.decoder(newFrameDecoder()), connection);
        connections.add(connection);
        connection.opened(ch);
        if (key != null) {
            pool.compute(key, (k, old) -> old == null || old.isClosed() ? connection : old);
        }
        if (closed) {
            connection.closeWith(closedException(), false);
        }
    }

    /**
     * Refuses an inbound connection whose preface was wrong; on its event loop.
     *
     * @param ch     the channel
     * @param reason what was wrong
     */
    void refuse(Channel ch, DropReason reason) {
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        LOG.debug("Refusing connection from {}: {}", remote, reason);
        drop(remote, reason);
        ch.close();
    }

    /**
     * Counts an accepted connection against the inbound limits, or refuses it; on its event loop.
     *
     * @param ch a just-accepted channel
     * @return whether it is within the limits; if not it was reported and is closing
     */
    private boolean admit(Channel ch) {
        if (inboundLimits.admit(ch)) {
            return true;
        }
        refuse(ch, DropReason.CONNECTION_LIMIT);
        return false;
    }

    /**
     * Reports refused input to the listener.
     *
     * @param remote where it came from
     * @param reason why it was refused
     */
    void drop(InetSocketAddress remote, DropReason reason) {
        Listener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.onDropped(remote, reason);
        } catch (RuntimeException e) {
            LOG.warn("Frame listener failed on a drop from {}", remote, e);
        }
    }

    /**
     * Reports a failure that is not refused input to the listener.
     *
     * @param context what failed
     * @param error   the failure
     */
    void failure(String context, Throwable error) {
        Listener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.onFailure(context, error);
        } catch (RuntimeException e) {
            LOG.warn("Frame listener failed on a failure report ({})", context, e);
        }
    }

    /**
     * Puts the TLS client handler first on an outbound channel, when TLS is on.
     *
     * @param ch the channel, before it connects
     * @param to the address it connects to, which the peer's certificate must name
     */
    void addClientTls(Channel ch, InetSocketAddress to) {
        if (tls != null) {
            ch.pipeline().addLast(tls.newClientHandler(ch.alloc(), to), tlsWatcher());
        }
    }

    private TlsHandshakeWatcher tlsWatcher() {
        return new TlsHandshakeWatcher((remote, cause) -> {
            LOG.debug("TLS handshake with {} failed", remote, cause);
            if (!closed) {
                drop(remote, DropReason.TLS_REFUSED);
            }
        });
    }

    /** @return a decoder for a new frame connection */
    FrameDecoder newFrameDecoder() {
        return new FrameDecoder(this);
    }

    /**
     * @return bytes reserved now for inbound frames over 64 KiB being received, at most
     *         {@code inboundBufferBudget}
     */
    public long inboundBufferReserved() {
        return inboundBudget.used();
    }

    /** @return the number of accepted connections open now, frames and streams, counted against the limits */
    public int openInboundConnections() {
        return inboundLimits.open();
    }

    /** @param ch a new channel, closed by {@link #close()} if still open */
    void track(Channel ch) {
        channels.add(ch);
        ch.closeFuture().addListener(untrack);
    }

    /** A frame connection finished opening. */
    void frameConnectionOpened() {
        openFrameConnections.incrementAndGet();
    }

    /**
     * A frame connection closed: forget it.
     *
     * @param connection the connection
     * @param wasOpen    whether it had opened
     */
    void forget(FrameConnection connection, boolean wasOpen) {
        InetSocketAddress key = connection.key();
        if (key != null) {
            pool.remove(key, connection);
        }
        connections.remove(connection);
        if (wasOpen) {
            openFrameConnections.decrementAndGet();
        }
    }

    /** @param stream a stream whose handler is installed; forgotten when its channel closes */
    void streamOpened(TcpStreamChannel stream) {
        streams.add(stream);
        stream.channel().closeFuture().addListener(future -> streams.remove(stream));
    }

    boolean isClosed() {
        return closed;
    }

    int listenPort() {
        return listenPort;
    }

    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    long writeTimeoutNanos() {
        return writeTimeoutNanos;
    }

    int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    Listener listener() {
        return listener;
    }

    InboundBudget inboundBudget() {
        return inboundBudget;
    }

    SpareFrameBuffer spareFrameBuffer() {
        return spareFrameBuffer;
    }

    int minReceiveRate() {
        return options.minReceiveRate();
    }

    long receiveGraceNanos() {
        return receiveGraceNanos;
    }
}
