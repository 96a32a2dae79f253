package io.tamtam.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.tamtam.MembershipEvent;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.Subscription;
import io.tamtam.agent.grpc.Member;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's HTTP server: health, Prometheus metrics, JSON read views, a Server-Sent-Events stream of
 * membership events, and the dashboard. Requests it cannot serve get a status and a one-line JSON error.
 */
final class HttpApi implements AutoCloseable {
    /** Event streams served at once; more get 503. */
    static final int MAX_EVENT_STREAMS = 32;
    /** Events queued for one slow event-stream client before it is disconnected (its EventSource reconnects). */
    static final int EVENT_QUEUE = 4096;

    private final AgentServer agent;
    private final HttpServer server;
    private final ExecutorService pool;
    private final Semaphore streams = new Semaphore(MAX_EVENT_STREAMS);
    private final byte[] dashboard;

    private HttpApi(AgentServer agent, HttpServer server) throws IOException {
        this.agent = agent;
        this.server = server;
        try (InputStream in = HttpApi.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IOException("dashboard.html missing from the agent's jar");
            }
            dashboard = in.readAllBytes();
        }
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(MAX_EVENT_STREAMS + 8, r -> {
            Thread t = new Thread(r, "tamtam-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::route);
    }

    static HttpApi start(AgentServer agent, InetSocketAddress address) throws IOException {
        HttpApi api = new HttpApi(agent, HttpServer.create(address, 64));
        api.server.start();
        return api;
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private void route(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                error(ex, 405, "method " + method + " not allowed: this API is read-only, use GET");
                return;
            }
            switch (path) {
                case "/" -> send(ex, 200, "text/html; charset=utf-8", dashboard);
                case "/health/live" -> json(ex, 200, Map.of("status", "live"));
                case "/health/ready" -> ready(ex);
                case "/metrics" -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                        agent.metrics.scrape().getBytes(StandardCharsets.UTF_8));
                case "/api/v1/self" -> json(ex, 200, self());
                case "/api/v1/members" -> members(ex);
                case "/api/v1/stats" -> json(ex, 200, agent.counters());
                case "/api/v1/events" -> events(ex);
                default -> {
                    if (path.startsWith("/api/v1/members/")) {
                        member(ex, path.substring("/api/v1/members/".length()));
                    } else {
                        error(ex, 404, "no such path " + path + ": see /api/v1/self, /api/v1/members, /api/v1/stats, "
                                + "/api/v1/events, /health/live, /health/ready, /metrics");
                    }
                }
            }
        } catch (IOException e) {
            agent.log.debug("http: " + e.getMessage());
        } catch (RuntimeException e) {
            agent.log.warn("http " + ex.getRequestURI() + ": " + Errors.message(e));
            try {
                error(ex, 500, Errors.message(e));
            } catch (IOException | RuntimeException ignored) {
                // the response had started; the connection is closed
            }
        }
    }

    private void ready(HttpExchange ex) throws IOException {
        boolean ready = agent.ready();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "ready" : "not ready");
        body.put("live_members", agent.cluster.memberCount(NodeState.ALIVE, NodeState.SUSPECT));
        body.put("expect", agent.expect);
        json(ex, ready ? 200 : 503, body);
    }

    private Map<String, Object> self() {
        Map<String, Object> m = memberJson(agent.member(agent.cluster.localNode()));
        m.put("health_score", agent.cluster.stats().localHealthScore());
        m.put("version", agent.version);
        m.put("rpc", Addresses.format(agent.rpcAddress()));
        m.put("ready", agent.ready());
        return m;
    }

    private void members(HttpExchange ex) throws IOException {
        Map<String, String> query = query(ex);
        List<NodeState> states = new ArrayList<>();
        String stateParam = query.get("state");
        if (stateParam != null) {
            for (String s : stateParam.split(",")) {
                try {
                    states.add(NodeState.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    error(ex, 400, "state '" + s + "' is not one of alive, suspect, dead, left");
                    return;
                }
            }
        }
        List<Node> nodes = states.isEmpty() ? agent.cluster.members() : agent.cluster.members(states.toArray(NodeState[]::new));
        List<Object> out = new ArrayList<>();
        for (Node n : nodes) {
            out.add(memberJson(agent.member(n)));
        }
        json(ex, 200, out);
    }

    private void member(HttpExchange ex, String which) throws IOException {
        try {
            json(ex, 200, memberJson(agent.member(agent.resolve(java.net.URLDecoder.decode(which, StandardCharsets.UTF_8)))));
        } catch (IllegalArgumentException e) {
            error(ex, e.getMessage() != null && e.getMessage().startsWith("unknown node") ? 404 : 400, e.getMessage());
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

    /** Server-Sent Events: a snapshot event with every member, then one event per change. */
    private void events(HttpExchange ex) throws IOException {
        if (!streams.tryAcquire()) {
            error(ex, 503, "too many event streams open (" + MAX_EVENT_STREAMS + "); retry later");
            return;
        }
        try {
            BlockingQueue<String> queue = new ArrayBlockingQueue<>(EVENT_QUEUE);
            AtomicInteger overflow = new AtomicInteger();
            Subscription sub = agent.cluster.snapshotAndSubscribe(nodes -> {
                List<Object> all = new ArrayList<>();
                for (Node n : nodes) {
                    all.add(memberJson(agent.member(n)));
                }
                offer(queue, overflow, "event: snapshot\ndata: " + Json.write(all) + "\n\n");
            }, (MembershipEvent e) -> {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("type", e.type().name());
                j.put("cause", e.cause().name());
                j.put("time", System.currentTimeMillis());
                j.put("member", memberJson(agent.member(e.node())));
                offer(queue, overflow, "event: member\ndata: " + Json.write(j) + "\n\n");
            });
            try {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                ex.getResponseHeaders().set("Cache-Control", "no-cache");
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                while (overflow.get() == 0) {
                    String next = queue.poll(15, TimeUnit.SECONDS);
                    // a comment line every 15 s of quiet finds a closed connection
                    out.write((next == null ? ": keep-alive\n\n" : next).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                sub.close();
            }
        } finally {
            streams.release();
        }
    }

    private static void offer(BlockingQueue<String> queue, AtomicInteger overflow, String event) {
        if (!queue.offer(event)) {
            overflow.incrementAndGet();
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String part : raw.split("&")) {
                int eq = part.indexOf('=');
                String k = java.net.URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : java.net.URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                q.put(k, v);
            }
        }
        return q;
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        json(ex, status, Map.of("error", message == null ? "error" : message));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
