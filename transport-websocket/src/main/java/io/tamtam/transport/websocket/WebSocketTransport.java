package io.tamtam.transport.websocket;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import io.tamtam.transport.tcp.Closing;
import io.tamtam.transport.tcp.InboundBudget;
import io.tamtam.transport.tcp.InboundLimits;
import io.tamtam.transport.tcp.TlsHandshakeWatcher;
import io.tamtam.transport.udp.EventLoopLease;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket stream transport (RFC 6455 over Netty's HTTP codec; IPv4 and IPv6): stream-path frames
 * as WebSocket binary messages, for networks where only HTTP(S) passes, directly or through an HTTP
 * reverse proxy that forwards WebSocket upgrades.
 *
 * <h2>Connections</h2>
 * Every node serves {@code ws://host:port/path} ({@code wss://} with {@link WebSocketConfig#tls()}) and
 * connects to {@code ws://<destination address>/path} with the same path, so a proxy in front of a node
 * forwards that path to it and the node advertises the proxy's address. The client asks for one of two
 * subprotocols in {@code Sec-WebSocket-Protocol}: {@value #FRAMES} (a pooled connection carrying frames)
 * or {@value #STREAM} (a dedicated byte stream). A refused upgrade is answered (404 for another path, 400
 * for a malformed upgrade request, 413 for a request body over 8 KiB, 426 for an unsupported
 * {@code Sec-WebSocket-Version}), counted ({@code OVERSIZED} for 413, else {@code MALFORMED}) and closed
 * once the answer is written.
 *
 * <p>Frames: each {@link #sendFrame} is one binary message: one WebSocket frame, or for a frame over
 * {@value #MAX_WIRE_FRAME} bytes a binary frame and continuation frames of at most that size. A node opens one connection per destination
 * address for its own frames, and receives the remote's frames on the remote's connection (two
 * connections per pair that talk both ways, since behind a proxy the accepting side cannot tell the
 * connecting node's address). Frames to one address are written in call order; at most 64 MiB of frames
 * may wait per connection (while it opens or the remote reads slowly), beyond which {@link #sendFrame}
 * fails with "send queue full". A connection with no traffic either way for {@code idleTimeout} and
 * nothing queued closes; the accepting side closes a frame connection it has read nothing from for twice
 * {@code idleTimeout} (a backstop for a peer that never closes; not counted as a drop). A write that does
 * not complete within {@code writeTimeout} closes its connection and fails its pending futures.
 *
 * <h2>Inbound limits</h2>
 * <ul>
 *   <li>A single WebSocket frame with a payload over {@value #MAX_WIRE_FRAME} bytes (or {@code maxFrameSize}
 *       when smaller) is refused when its header says so, before its payload is buffered, and a message
 *       whose fragments add up to more than {@code maxFrameSize} when the fragment that crosses it arrives:
 *       the listener hears {@code OVERSIZED} and the connection is closed with status 1009.</li>
 *   <li>Past 64 KiB of an unfinished message, each further fragment reserves its size from one budget of
 *       {@code inboundBufferBudget} bytes shared by all connections of the transport (the TCP transport's
 *       rule, counted per fragment since a fragment's bytes have arrived when it is decoded: the budget is
 *       exceeded by at most one fragment per connection). When the budget has no room the connection
 *       stops reading until it has; after waiting {@code receiveGrace} it is closed
 *       ({@code OVER_BUDGET}).</li>
 *   <li>Bytes in progress on a frame connection (a WebSocket frame not yet complete, or a message whose
 *       last fragment has not come) must keep up {@code minReceiveRate}: by {@code receiveGrace + t} after
 *       the first of them, {@code rate × t} bytes must have arrived, else the connection is closed
 *       ({@code SLOW_SENDER}).</li>
 *   <li>Accepted connections beyond {@code maxInboundConnections} in all or
 *       {@code maxInboundConnectionsPerIp} per remote IP are closed at once ({@code CONNECTION_LIMIT}).</li>
 *   <li>A connection that has not completed its WebSocket upgrade within {@code prefaceTimeout} is closed
 *       ({@code SLOW_SENDER}); the upgrade request itself is limited to 8 KiB of headers.</li>
 *   <li>With TLS, a failed handshake (untrusted, expired or wrong-name certificate) is counted as
 *       {@code TLS_REFUSED} on either side.</li>
 * </ul>
 * A stream connection's messages are at most {@value #MAX_WIRE_FRAME} bytes; its buffer bounds the rest.
 *
 * <h2>Streams</h2>
 * {@link #openStream} opens a dedicated connection; bytes travel as binary messages of at most 64 KiB
 * (or {@code maxFrameSize} when smaller),
 * each direction buffering at most {@value #STREAM_BUFFER_BYTES} bytes before the writer blocks or the
 * reader's connection pauses (every read held back, the ones Netty's handlers ask for included, until the
 * reader has taken half); closing the output stream sends a text message {@code "eof"} (end of stream
 * for the reader). As on frame connections, a ping is not answered while the connection cannot write.
 *
 * <h2>Threads</h2>
 * The {@link StreamTransport.Listener} runs on Netty event loop threads; {@code onFrame} gets a buffer
 * valid only during the call.
 */
public final class WebSocketTransport implements StreamTransport {

    /** Subprotocol of a pooled frame connection. */
    public static final String FRAMES = "tamtam.frames";
    /** Subprotocol of a dedicated byte stream. */
    public static final String STREAM = "tamtam.stream";
    /** Bytes a stream buffers per direction. */
    public static final int STREAM_BUFFER_BYTES = 1 << 20;
    static final long MAX_QUEUED_BYTES = 64L << 20;
    /**
     * Largest payload of one WebSocket frame, sent or accepted: a longer message goes as fragments (a
     * binary frame and continuation frames), and a longer inbound frame is refused from its header.
     */
    static final int MAX_WIRE_FRAME = 64 * 1024;
    private static final int MAX_HTTP_HEADERS = 8192;
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);

    private final TransportOptions options;
    private final WebSocketConfig config;
    private final InboundLimits inboundLimits;
    private final InboundBudget inboundBudget;
    private final ConcurrentHashMap<InetSocketAddress, WsConnection> pool = new ConcurrentHashMap<>();
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile Listener listener;
    private EventLoopLease lease;
    private Bootstrap bootstrap;
    private Channel server;
    private InetSocketAddress local;

    /**
     * @param options the cluster's transport settings
     * @param config  path, TLS and event loop group
     */
    public WebSocketTransport(TransportOptions options, WebSocketConfig config) {
        this.options = Objects.requireNonNull(options, "options");
        this.config = Objects.requireNonNull(config, "config");
        if (options.maxFrameSize() < 1) {
            throw new IllegalArgumentException("maxFrameSize must be at least 1 byte, not " + options.maxFrameSize());
        }
        for (java.time.Duration d : List.of(options.idleTimeout(), options.writeTimeout(), options.connectTimeout(),
                options.prefaceTimeout())) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive, not " + d);
            }
        }
        this.inboundLimits = new InboundLimits(options.maxInboundConnections(), options.maxInboundConnectionsPerIp());
        this.inboundBudget = new InboundBudget(options.inboundBufferBudget());
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when the transport is already bound or closed
     */
    @Override
    public synchronized InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            throw new IllegalStateException("this WebSocket transport is closed; create a new one");
        }
        if (server != null) {
            throw new IllegalStateException("this WebSocket transport is already bound to " + local);
        }
        EventLoopLease acquired = config.group() == null ? EventLoopLease.shared() : EventLoopLease.borrowed(config.group());
        bootstrap = new Bootstrap()
                .group(acquired.group())
                .channel(acquired.socketChannelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, options.connectTimeout().toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        lease = acquired;
        this.listener = listener;
        ServerBootstrap sb = new ServerBootstrap()
                .group(acquired.group())
                .channel(acquired.serverSocketChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        track(ch);
                        if (!inboundLimits.admit(ch)) {
                            drop((InetSocketAddress) ch.remoteAddress(), DropReason.CONNECTION_LIMIT);
                            ch.close();
                            return;
                        }
                        initServerChannel(ch);
                    }
                });
        ChannelFuture f = sb.bind(address).awaitUninterruptibly();
        if (!f.isSuccess()) {
            this.listener = null;
            lease = null;
            acquired.release();
            throw new IOException("cannot bind WebSocket to " + address + " (" + f.cause().getMessage()
                    + "); pick another port, or port 0 for a free one", f.cause());
        }
        server = f.channel();
        local = (InetSocketAddress) server.localAddress();
        return local;
    }

    private WebSocketDecoderConfig decoderConfig() {
        return WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxWireFrame())
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
    }

    private int maxWireFrame() {
        return Math.min(options.maxFrameSize(), MAX_WIRE_FRAME);
    }

    private void initServerChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (config.tls() != null) {
            p.addLast(config.tls().newServerHandler(ch.alloc()), tlsWatcher());
        }
        // Next to the head, so that every write has a timeout: pongs and close frames the protocol handler
        // writes from its own place in the pipeline, and the handshake's responses, too.
        p.addLast(new WriteTimeoutHandler(options.writeTimeout().toNanos(), TimeUnit.NANOSECONDS));
        InboundMeter meter = new InboundMeter(this, true);
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(config.path())
                .subprotocols(FRAMES + "," + STREAM)
                .checkStartsWith(false)
                .handshakeTimeoutMillis(Math.max(1, options.prefaceTimeout().toMillis()))
                .decoderConfig(decoderConfig())
                .build();
        p.addLast(ARRIVALS, meter.arrivals());
        p.addLast(new HttpServerCodec(4096, MAX_HTTP_HEADERS, 8192), new Refusals(this),
                new HttpObjectAggregator(MAX_HTTP_HEADERS));
        p.addLast(METER, meter);
        p.addLast(new WebSocketServerProtocolHandler(ws));
        p.addLast(AGGREGATOR, new WebSocketFrameAggregator(options.maxFrameSize()));
        p.addLast(new InboundHandler(this));
    }

    /**
     * Adds the client handlers to an outbound channel.
     *
     * @param ch          the channel
     * @param to          the destination
     * @param subprotocol {@link #FRAMES} or {@link #STREAM}
     * @param last        the handler behind the WebSocket codec
     */
    void initClientChannel(Channel ch, InetSocketAddress to, String subprotocol, io.netty.channel.ChannelHandler last) {
        track(ch);
        ChannelPipeline p = ch.pipeline();
        if (config.tls() != null) {
            p.addLast(config.tls().newClientHandler(ch.alloc(), to), tlsWatcher());
        }
        WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri(to))
                .subprotocol(subprotocol)
                .version(WebSocketVersion.V13)
                .maxFramePayloadLength(maxWireFrame())
                .handshakeTimeoutMillis(Math.max(1, options.connectTimeout().toMillis()))
                .dropPongFrames(true)
                .build();
        p.addLast(new WriteTimeoutHandler(options.writeTimeout().toNanos(), TimeUnit.NANOSECONDS));
        boolean frames = subprotocol.equals(FRAMES);
        InboundMeter meter = frames ? new InboundMeter(this, false) : null;
        if (meter != null) {
            p.addLast(ARRIVALS, meter.arrivals());
        }
        p.addLast(new HttpClientCodec(4096, MAX_HTTP_HEADERS, 8192),
                new HttpObjectAggregator(MAX_HTTP_HEADERS));
        p.addLast(METER, meter != null ? meter : new StreamGate());
        p.addLast(new WebSocketClientProtocolHandler(ws),
                new WebSocketFrameAggregator(frames ? options.maxFrameSize() : maxWireFrame()));
        if (frames) {
            p.addLast(new IdleStateHandler(0, 0, options.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
        }
        p.addLast(last);
    }

    /**
     * @param to a node's address
     * @return the URI this transport connects to for it
     */
    public URI uri(InetSocketAddress to) {
        try {
            return new URI(config.scheme(), null, to.getHostString(), to.getPort(), config.path(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot make a WebSocket URI for " + to + ": " + e.getMessage(), e);
        }
    }

    private TlsHandshakeWatcher tlsWatcher() {
        return new TlsHandshakeWatcher((remote, cause) -> {
            if (!closed) {
                drop(remote, DropReason.TLS_REFUSED);
            }
        });
    }

    @Override
    public int maxFrameSize() {
        return options.maxFrameSize();
    }

    @Override
    public CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer frame) {
        Objects.requireNonNull(to, "to");
        int length = frame.remaining();
        if (length > options.maxFrameSize()) {
            return CompletableFuture.failedFuture(new IOException("frame of " + length
                    + " bytes exceeds maxFrameSize of " + options.maxFrameSize()
                    + " bytes; send it over a stream or raise maxFrameSize"));
        }
        IOException unusable = unusable();
        if (unusable != null) {
            return CompletableFuture.failedFuture(unusable);
        }
        byte[] copy = new byte[length];
        frame.duplicate().get(copy);
        CompletableFuture<Void> result = new CompletableFuture<>();
        while (!connectionTo(to).send(Unpooled.wrappedBuffer(copy), result)) {
            if (closed) {
                result.completeExceptionally(closedException());
                break;
            }
        }
        return result;
    }

    private WsConnection connectionTo(InetSocketAddress to) {
        WsConnection existing = pool.get(to);
        if (existing != null && !existing.isClosed()) {
            return existing;
        }
        WsConnection fresh = new WsConnection(this, to);
        WsConnection chosen = pool.compute(to, (k, old) -> old != null && !old.isClosed() ? old : fresh);
        if (chosen == fresh) {
            if (closed) {
                fresh.fail(closedException());
            } else {
                fresh.connect(bootstrap);
            }
        }
        return chosen;
    }

    @Override
    public CompletableFuture<StreamChannel> openStream(InetSocketAddress to) {
        Objects.requireNonNull(to, "to");
        IOException unusable = unusable();
        if (unusable != null) {
            return CompletableFuture.failedFuture(unusable);
        }
        CompletableFuture<StreamChannel> result = new CompletableFuture<>();
        WsStreamChannel.Handler handler = new WsStreamChannel.Handler(this, to, result);
        ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                initClientChannel(ch, to, STREAM, handler);
            }
        }).connect(to);
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(connectFailure(to, f.cause()));
            }
        });
        return result;
    }

    private IOException unusable() {
        if (closed) {
            return closedException();
        }
        if (listener == null) {
            return new IOException("the WebSocket transport is not bound; call bind first");
        }
        return null;
    }

    IOException connectFailure(InetSocketAddress to, Throwable cause) {
        if (closed) {
            return closedException();
        }
        return new IOException("cannot connect to " + uri(to) + " (" + cause.getMessage()
                + "); check that the node (or its proxy) is up and serves WebSocket on " + config.path(), cause);
    }

    static IOException closedException() {
        return new IOException("transport closed");
    }

    /** @return open pooled frame connections this node opened */
    public int openConnections() {
        int n = 0;
        for (WsConnection c : pool.values()) {
            if (!c.isClosed()) {
                n++;
            }
        }
        return n;
    }

    /** @return accepted connections open now, counted against the inbound limits */
    public int openInboundConnections() {
        return inboundLimits.open();
    }

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
        List<ChannelFuture> closing = new ArrayList<>();
        if (serverChannel != null) {
            closing.add(serverChannel.close());
        }
        for (WsConnection c : pool.values()) {
            c.fail(closedException());
        }
        for (Channel ch : channels) {
            closing.add(ch.close());
        }
        if (held == null) {
            return;
        }
        Closing.awaitAndRelease(closing, held);
    }

    // ---- for the handlers ----------------------------------------------------------------------

    private static final String ARRIVALS = "tamtam-arrivals";
    private static final String METER = "tamtam-meter";
    private static final String AGGREGATOR = "tamtam-aggregator";

    /**
     * Turns an accepted connection's pipeline into a stream's: its messages are at most
     * {@link #MAX_WIRE_FRAME} bytes and the stream bounds what it buffers, so the frame meter gives its
     * place to the stream's read gate.
     *
     * @param p the pipeline, right after the upgrade
     */
    void streamPipeline(ChannelPipeline p) {
        p.replace(METER, METER, new StreamGate());
        p.remove(ARRIVALS);
        p.replace(AGGREGATOR, AGGREGATOR, new WebSocketFrameAggregator(maxWireFrame()));
    }

    InboundBudget inboundBudget() {
        return inboundBudget;
    }

    TransportOptions options() {
        return options;
    }

    /** @return payload bytes of unfinished messages the frame connections hold now */
    long heldInbound() {
        long n = 0;
        for (Channel ch : channels) {
            if (ch.pipeline().get(METER) instanceof InboundMeter m) {
                n += m.held();
            }
        }
        return n;
    }

    /** @return bytes written to the connections and not yet taken by their sockets */
    long pendingOutbound() {
        long n = 0;
        for (Channel ch : channels) {
            io.netty.channel.ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
            n += out == null ? 0 : out.totalPendingWriteBytes();
        }
        return n;
    }

    void track(Channel ch) {
        channels.add(ch);
        ch.closeFuture().addListener(f -> channels.remove(ch));
        if (closed) {
            ch.close();
        }
    }

    void forget(InetSocketAddress to, WsConnection c) {
        pool.remove(to, c);
    }

    boolean isClosed() {
        return closed;
    }

    Listener listener() {
        return listener;
    }

    void drop(InetSocketAddress remote, DropReason reason) {
        Listener l = listener;
        if (l != null && !closed) {
            try {
                l.onDropped(remote, reason);
            } catch (RuntimeException ignored) {
                // the listener's failure is its own
            }
        }
    }

    void failure(String context, Throwable error) {
        Listener l = listener;
        if (l != null && !closed) {
            try {
                l.onFailure(context, error);
            } catch (RuntimeException ignored) {
                // the listener's failure is its own
            }
        }
    }
}
