package io.tamtam.agent;

import io.micrometer.core.instrument.FunctionCounter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.WriteTimeoutException;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tamtam.MembershipEvent;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.Subscription;
import io.tamtam.agent.grpc.Member;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's HTTP server: health, Prometheus metrics, JSON read views, a Server-Sent-Events stream of
 * membership events, and the dashboard. Requests it cannot serve get a status and a one-line JSON error.
 *
 * <p>It runs on one Netty event loop, so a client that sends or reads slowly holds no thread. A connection
 * has {@link Limits#requestTimeout} from its start, or from the end of its last response, to deliver a
 * whole request, and each write to it must complete within {@link Limits#writeTimeout}; otherwise it is
 * closed. At most {@link Limits#maxConnections} connections are kept: one more closes the connection that
 * has waited longest for a request, so that a new one (a health probe) is always served.
 */
final class HttpApi implements AutoCloseable {
    /** Event streams served at once; more get 503. */
    static final int MAX_EVENT_STREAMS = 32;
    /** Events queued for one slow event-stream client before it is disconnected (its EventSource reconnects). */
    static final int EVENT_QUEUE = 4096;
    /** Bytes queued for one slow event-stream client before it is disconnected; one larger snapshot alone may pass. */
    static final int EVENT_QUEUE_BYTES = 4 << 20;
    /** The largest request body read (only GET and HEAD are served: a body is never used). */
    private static final int MAX_REQUEST_BODY = 8192;
    private static final Duration KEEP_ALIVE_COMMENT = Duration.ofSeconds(15);

    /**
     * @param requestTimeout how long a connection may take to deliver a whole request, from its start or the end of
     *                       its last response
     * @param writeTimeout   how long one write (a response, an event) may take to be taken by the client
     * @param maxConnections connections kept open at once
     */
    record Limits(Duration requestTimeout, Duration writeTimeout, int maxConnections) {
        static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), Duration.ofSeconds(10), 256);
    }

    private record Reply(HttpResponseStatus status, String type, byte[] body) {
    }

    private final AgentServer agent;
    private final Limits limits;
    /** {@code Bearer <token>} that every request but the health checks must carry, or null when none is required. */
    private final byte[] bearer;
    private final EventLoopGroup group;
    private final Channel server;
    private final Semaphore streams = new Semaphore(MAX_EVENT_STREAMS);
    private final byte[] dashboard;
    /** Connections the server closed: no whole request or a write not taken in time, a stream behind, too many. */
    final LongAdder closedByServer = new LongAdder();
    /** Connections waiting for a request, the longest waiting first; used on the event loop only. */
    private final LinkedHashSet<Channel> waiting = new LinkedHashSet<>();
    /** Open connections; written on the event loop only. */
    private volatile int open;

    private HttpApi(AgentServer agent, InetSocketAddress address, Limits limits, String token) throws IOException {
        this.agent = agent;
        this.limits = limits;
        this.bearer = TokenInterceptor.expected(token);
        try (InputStream in = HttpApi.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IOException("dashboard.html missing from the agent's jar");
            }
            dashboard = in.readAllBytes();
        }
        // one thread: every connection's state is used on it alone
        group = new NioEventLoopGroup(1, new DefaultThreadFactory("tamtam-http", true));
        ChannelFuture bound = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 64)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new WriteTimeoutHandler(limits.writeTimeout().toMillis(), TimeUnit.MILLISECONDS),
                                new HttpServerCodec(4096, 8192, 8192), new HttpObjectAggregator(MAX_REQUEST_BODY),
                                new Connection());
                    }
                })
                .bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            Throwable cause = bound.cause();
            throw cause instanceof IOException io ? io : new IOException("cannot bind the HTTP server to " + address, cause);
        }
        server = bound.channel();
        FunctionCounter.builder("tamtam.agent.http.closed", closedByServer, LongAdder::doubleValue)
                .description("HTTP connections the agent closed: a request or a write not completed in time, "
                        + "an event stream that fell behind, or more connections than it keeps")
                .register(agent.metrics);
    }

    /** @param token the token every request but /health/live and /health/ready must carry, or "" for none */
    static HttpApi start(AgentServer agent, InetSocketAddress address, String token) throws IOException {
        return start(agent, address, Limits.DEFAULT, token);
    }

    static HttpApi start(AgentServer agent, InetSocketAddress address, Limits limits, String token) throws IOException {
        return new HttpApi(agent, address, limits, token);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** @return the connections open now */
    int openConnections() {
        return open;
    }

    /** @return the event streams open now */
    int openEventStreams() {
        return MAX_EVENT_STREAMS - streams.availablePermits();
    }

    /** One connection: waits for a request, answers it, and waits again; or serves an event stream until it ends. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private ScheduledFuture<?> requestTimer;
        private boolean streaming;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            open++;
            if (open > limits.maxConnections()) {
                Iterator<Channel> longest = waiting.iterator();
                closedByServer.increment();
                if (!longest.hasNext()) {
                    ctx.close(); // every connection is answering or streaming; each write has its timeout
                    return;
                }
                Channel evicted = longest.next();
                longest.remove();
                evicted.close();
            }
            awaitRequest(ctx);
            ctx.fireChannelActive();
        }

        private void awaitRequest(ChannelHandlerContext ctx) {
            stopWaiting(ctx);
            waiting.add(ctx.channel());
            requestTimer = ctx.executor().schedule(() -> {
                closedByServer.increment();
                ctx.close();
            }, limits.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }

        private void stopWaiting(ChannelHandlerContext ctx) {
            waiting.remove(ctx.channel());
            if (requestTimer != null) {
                requestTimer.cancel(false);
                requestTimer = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open--;
            stopWaiting(ctx);
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof FullHttpRequest req && !streaming) {
                    stopWaiting(ctx);
                    handle(ctx, req);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            Reply reply;
            if (!req.decoderResult().isSuccess()) {
                keepAlive = false;
                reply = error(HttpResponseStatus.BAD_REQUEST, "malformed request: " + Errors.message(req.decoderResult().cause()));
            } else {
                try {
                    reply = route(ctx, req);
                } catch (RuntimeException e) {
                    agent.log.warn("http " + req.uri() + ": " + Errors.message(e));
                    reply = error(HttpResponseStatus.INTERNAL_SERVER_ERROR, Errors.message(e));
                }
                if (reply == null) {
                    streaming = true; // an event stream has the connection
                    return;
                }
            }
            boolean head = req.method().equals(HttpMethod.HEAD);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.type()).setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
            if (reply.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
                // a browser asks for the token as the password
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"tamtam agent\", charset=\"UTF-8\"");
            }
            HttpUtil.setKeepAlive(r, keepAlive);
            ChannelFuture written = ctx.writeAndFlush(r);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            } else {
                written.addListener(f -> {
                    if (f.isSuccess() && ctx.channel().isActive()) {
                        awaitRequest(ctx);
                    }
                });
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof WriteTimeoutException) {
                closedByServer.increment();
                if (streaming) {
                    agent.streamDrops.increment();
                }
            } else {
                agent.log.debug("http: " + Errors.message(cause));
            }
            ctx.close();
        }
    }

    /** @return the reply, or null when an event stream took the connection */
    private Reply route(ChannelHandlerContext ctx, FullHttpRequest req) {
        String method = req.method().name();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method " + method + " not allowed: this API is read-only, use GET");
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path;
        Map<String, List<String>> query;
        try {
            path = uri.path();
            query = uri.parameters();
        } catch (IllegalArgumentException e) {
            return error(HttpResponseStatus.BAD_REQUEST, "malformed URI " + req.uri() + ": " + e.getMessage());
        }
        if (bearer != null && !path.equals("/health/live") && !path.equals("/health/ready")
                && !authorized(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            return error(HttpResponseStatus.UNAUTHORIZED, "this agent requires a token: send the header 'Authorization: Bearer TOKEN' "
                    + "(TOKEN is the agent's --rpc-token), or give the token as the password");
        }
        return switch (path) {
            case "/" -> new Reply(HttpResponseStatus.OK, "text/html; charset=utf-8", dashboard);
            case "/health/live" -> json(HttpResponseStatus.OK, Map.of("status", "live"));
            case "/health/ready" -> ready();
            case "/metrics" -> new Reply(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                    agent.metrics.scrape().getBytes(StandardCharsets.UTF_8));
            case "/api/v1/self" -> json(HttpResponseStatus.OK, self());
            case "/api/v1/members" -> members(query);
            case "/api/v1/stats" -> json(HttpResponseStatus.OK, agent.counters());
            case "/api/v1/events" -> req.method().equals(HttpMethod.HEAD)
                    ? new Reply(HttpResponseStatus.OK, EVENT_STREAM, new byte[0]) : events(ctx);
            default -> {
                String members = "/api/v1/members/";
                if (path.startsWith(members)) {
                    yield member(uri.rawPath().substring(members.length()));
                }
                yield error(HttpResponseStatus.NOT_FOUND, "no such path " + path + ": see /api/v1/self, /api/v1/members, "
                        + "/api/v1/stats, /api/v1/events, /health/live, /health/ready, /metrics");
            }
        };
    }

    private Reply ready() {
        boolean ready = agent.ready();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "ready" : "not ready");
        body.put("live_members", agent.cluster.memberCount(NodeState.ALIVE, NodeState.SUSPECT));
        body.put("expect", agent.expect);
        return json(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    private Map<String, Object> self() {
        Map<String, Object> m = memberJson(agent.member(agent.cluster.localNode()));
        m.put("health_score", agent.cluster.stats().localHealthScore());
        m.put("version", agent.version);
        m.put("rpc", Addresses.format(agent.rpcAddress()));
        m.put("ready", agent.ready());
        return m;
    }

    private Reply members(Map<String, List<String>> query) {
        List<NodeState> states = new ArrayList<>();
        for (String stateParam : query.getOrDefault("state", List.of())) {
            for (String s : stateParam.split(",")) {
                try {
                    states.add(NodeState.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    return error(HttpResponseStatus.BAD_REQUEST, "state '" + s + "' is not one of alive, suspect, dead, left");
                }
            }
        }
        List<Node> nodes = states.isEmpty() ? agent.cluster.members() : agent.cluster.members(states.toArray(NodeState[]::new));
        List<Object> out = new ArrayList<>();
        for (Node n : nodes) {
            out.add(memberJson(agent.member(n)));
        }
        return json(HttpResponseStatus.OK, out);
    }

    private Reply member(String which) {
        try {
            return json(HttpResponseStatus.OK, memberJson(agent.member(agent.resolve(java.net.URLDecoder.decode(which, StandardCharsets.UTF_8)))));
        } catch (IllegalArgumentException e) {
            return error(e.getMessage() != null && e.getMessage().startsWith("unknown node")
                    ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
    }

    static Map<String, Object> memberJson(Member m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", m.getId());
        j.put("name", m.getName());
        j.put("address", m.getAddress());
        j.put("state", m.getState().name());
        j.put("incarnation", m.getIncarnation());
        j.put("metadata", new java.util.TreeMap<>(m.getMetadataMap()));
        j.put("protocol_version", m.getProtocolVersion());
        j.put("application_version", m.getApplicationVersion());
        j.put("rtt_p50_micros", m.getRttP50Micros());
        j.put("local", m.getLocal());
        return j;
    }

    /**
     * Server-Sent Events: a snapshot event with every member, then one event per change. A client that has
     * not taken {@link #EVENT_QUEUE} events or {@link #EVENT_QUEUE_BYTES} bytes, or one write within the write
     * timeout, is disconnected (its EventSource reconnects and gets a new snapshot).
     */
    private Reply events(ChannelHandlerContext ctx) {
        if (!streams.tryAcquire()) {
            return error(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many event streams open (" + MAX_EVENT_STREAMS + "); retry later");
        }
        Channel ch = ctx.channel();
        EventStream stream = new EventStream(ch);
        Subscription sub;
        try {
            // events from other threads are written after this task, so after the response head below
            sub = agent.cluster.snapshotAndSubscribe(nodes -> {
                List<Object> all = new ArrayList<>();
                for (Node n : nodes) {
                    all.add(memberJson(agent.member(n)));
                }
                stream.send("event: snapshot\ndata: " + Json.write(all) + "\n\n");
            }, (MembershipEvent e) -> {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("type", e.type().name());
                j.put("cause", e.cause().name());
                j.put("time", System.currentTimeMillis());
                j.put("member", memberJson(agent.member(e.node())));
                stream.send("event: member\ndata: " + Json.write(j) + "\n\n");
            });
        } catch (RuntimeException e) {
            streams.release();
            throw e;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM).set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        HttpUtil.setTransferEncodingChunked(head, true);
        ctx.write(head);
        stream.send("retry: 1000\n\n");
        // a comment every 15 s of the stream finds a closed connection
        ScheduledFuture<?> keepAlive = ch.eventLoop().scheduleAtFixedRate(() -> stream.send(": keep-alive\n\n"),
                KEEP_ALIVE_COMMENT.toMillis(), KEEP_ALIVE_COMMENT.toMillis(), TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> {
            stream.ended = true;
            keepAlive.cancel(false);
            sub.close();
            streams.release();
        });
        return null;
    }

    private static final String EVENT_STREAM = "text/event-stream; charset=utf-8";

    /** The events written to one stream's connection and not yet taken by it, bounded in count and bytes. */
    private final class EventStream {
        private final Channel ch;
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicInteger events = new AtomicInteger();
        volatile boolean ended;

        EventStream(Channel ch) {
            this.ch = ch;
        }

        /** Writes an event; any thread. */
        void send(String event) {
            if (ended) {
                return;
            }
            byte[] b = event.getBytes(StandardCharsets.UTF_8);
            long before = bytes.getAndAdd(b.length);
            if (events.incrementAndGet() > EVENT_QUEUE || (before > 0 && before + b.length > EVENT_QUEUE_BYTES)) {
                ended = true;
                closedByServer.increment();
                agent.streamDrops.increment();
                ch.close();
                return;
            }
            ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(b))).addListener(f -> {
                bytes.addAndGet(-b.length);
                events.decrementAndGet();
            });
        }
    }

    /** @return whether {@code given} is {@code Bearer <token>}, or {@code Basic} with the token as the password */
    private boolean authorized(String given) {
        if (given != null && given.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(java.util.Base64.getDecoder().decode(given.substring(6).trim()), StandardCharsets.UTF_8);
                given = "Bearer " + pair.substring(pair.indexOf(':') + 1);
            } catch (IllegalArgumentException notBase64) {
                return false;
            }
        }
        return TokenInterceptor.matches(bearer, given);
    }

    private static Reply json(HttpResponseStatus status, Object body) {
        return new Reply(status, "application/json; charset=utf-8", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static Reply error(HttpResponseStatus status, String message) {
        return json(status, Map.of("error", message == null ? "error" : message));
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
