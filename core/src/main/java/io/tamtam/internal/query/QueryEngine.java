package io.tamtam.internal.query;

import io.tamtam.DeliveryException;
import io.tamtam.DropReason;
import io.tamtam.MessageType;
import io.tamtam.Node;
import io.tamtam.Subscription;
import io.tamtam.internal.Context;
import io.tamtam.internal.dissemination.Broadcasts;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.messaging.DirectMessages;
import io.tamtam.internal.messaging.Messaging;
import io.tamtam.internal.messaging.ReservedTypes;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.runtime.SerialExecutor;
import io.tamtam.internal.wire.WireException;
import io.tamtam.internal.wire.WireReader;
import io.tamtam.internal.wire.WireWriter;
import io.tamtam.query.QueryHandler;
import io.tamtam.query.QueryListener;
import io.tamtam.query.QueryOptions;
import io.tamtam.query.QueryRequest;
import io.tamtam.query.QueryResponse;
import io.tamtam.query.QuerySummary;
import io.tamtam.spi.Scheduler;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Queries: sent through the dissemination path as a broadcast of a reserved type, acknowledged and
 * answered by direct best-effort messages to the origin (and, with a relay factor, through other members
 * too). The origin keeps each query until its deadline, bounded by {@link #MAX_IN_FLIGHT} queries.
 */
public final class QueryEngine {
    /** Reserved user type of a query (in a BROADCAST). */
    public static final int TYPE_QUERY = 0x33;
    /** Reserved user type of an acknowledgement (in a USER message). */
    public static final int TYPE_ACK = 0x34;
    /** Reserved user type of an answer (in a USER message). */
    public static final int TYPE_RESPONSE = 0x35;
    /** Reserved user type of an answer to pass on to the origin (in a USER message). */
    public static final int TYPE_RELAY = 0x36;
    /** Most queries this node waits on at once; past it, a new query fails. */
    public static final int MAX_IN_FLIGHT = 1024;
    /** Most answers one query collects. */
    public static final int MAX_RESPONSES = 100_000;
    /**
     * Most bytes of answers the queries in flight hold together, each answer charged its length and
     * {@link #ANSWER_OVERHEAD}; an answer past it is dropped and counted as QUEUE_FULL.
     */
    public static final long MAX_ANSWER_BYTES = 128L << 20;
    /** Bytes an answer is charged beyond its length (its entry, its responder id, its listener call). */
    static final int ANSWER_OVERHEAD = 128;
    /** Longest query name in bytes. */
    public static final int MAX_NAME_BYTES = 255;

    private static final MessageType<byte[]> QUERY = ReservedTypes.bytes(TYPE_QUERY);
    private static final MessageType<byte[]> ACK = ReservedTypes.bytes(TYPE_ACK);
    private static final MessageType<byte[]> RESPONSE = ReservedTypes.bytes(TYPE_RESPONSE);
    private static final MessageType<byte[]> RELAY = ReservedTypes.bytes(TYPE_RELAY);
    private static final int FLAG_ACK = 0x01;

    /** A query as it travels. */
    record Wire(long id, String name, int timeoutMillis, boolean ack, int relayFactor, int maxResponseBytes,
                Set<UUID> nodes, Map<String, Pattern> tags, String service, byte[] payload) {

        byte[] encode() {
            WireWriter w = new WireWriter(64 + payload.length + nodes.size() * 16);
            w.i64(id).str8(name).i32(timeoutMillis).u8(ack ? FLAG_ACK : 0).u8(relayFactor).i32(maxResponseBytes);
            w.u16(nodes.size());
            for (UUID n : nodes) {
                w.uuid(n);
            }
            w.u8(tags.size());
            for (Map.Entry<String, Pattern> e : tags.entrySet()) {
                w.str8(e.getKey()).str16(e.getValue().pattern());
            }
            w.str8(service == null ? "" : service);
            w.bytes(payload, 0, payload.length);
            return w.toByteArray();
        }

        static Wire decode(byte[] b) throws WireException {
            WireReader r = new WireReader(b, 0, b.length);
            long id = r.i64();
            String name = r.str8();
            int timeout = r.i32();
            int flags = r.u8();
            int relay = r.u8();
            int max = r.i32();
            if (timeout <= 0 || (flags & ~FLAG_ACK) != 0 || relay > QueryOptions.MAX_RELAY_FACTOR
                    || max < 1 || max > QueryOptions.MAX_RESPONSE_BYTES) {
                throw new WireException(DropReason.MALFORMED, "query fields out of range");
            }
            int n = r.u16();
            if (n > QueryOptions.MAX_NODE_FILTER || n * 16L > r.remaining()) {
                throw new WireException(DropReason.MALFORMED, "query node filter of " + n);
            }
            Set<UUID> nodes = new HashSet<>();
            for (int i = 0; i < n; i++) {
                nodes.add(r.uuid());
            }
            int t = r.u8();
            if (t > QueryOptions.MAX_TAG_FILTERS) {
                throw new WireException(DropReason.MALFORMED, "query with " + t + " tag filters");
            }
            Map<String, Pattern> tags = new LinkedHashMap<>();
            for (int i = 0; i < t; i++) {
                String key = r.str8();
                String regex = r.str16();
                if (regex.length() > 256) {
                    throw new WireException(DropReason.MALFORMED, "tag expression of " + regex.length() + " characters");
                }
                try {
                    tags.put(key, Pattern.compile(regex));
                } catch (PatternSyntaxException e) {
                    throw new WireException(DropReason.MALFORMED, "tag expression does not compile");
                }
            }
            String service = r.str8();
            return new Wire(id, name, timeout, (flags & FLAG_ACK) != 0, relay, max, nodes, tags,
                    service.isEmpty() ? null : service, r.bytes(r.remaining()));
        }
    }

    private final class Pending {
        final long id;
        final long start;
        final Set<UUID> expected;
        final Set<UUID> acked = new LinkedHashSet<>();
        final Map<UUID, byte[]> responses = new LinkedHashMap<>();
        final boolean wantAck;
        final int maxResponseBytes;
        final QueryListener listener;
        final SerialExecutor lane;
        final CompletableFuture<QuerySummary> future;
        Scheduler.Cancellable timer;
        int duplicates;
        int oversized;
        /** Bytes this query's answers hold of {@link #MAX_ANSWER_BYTES}. */
        long charged;
        boolean done;

        Pending(long id, long start, Set<UUID> expected, boolean wantAck, int maxResponseBytes, QueryListener listener,
                CompletableFuture<QuerySummary> future) {
            this.id = id;
            this.start = start;
            this.expected = expected;
            this.wantAck = wantAck;
            this.maxResponseBytes = maxResponseBytes;
            this.listener = listener;
            this.lane = new SerialExecutor(callbacks);
            this.future = future;
        }

        synchronized void ack(UUID node) {
            if (done || acked.contains(node)) {
                return;
            }
            if (acked.size() >= MAX_RESPONSES) {
                ctx.stats().drop(DropReason.QUEUE_FULL);
                return;
            }
            acked.add(node);
            if (listener != null) {
                lane.execute(() -> call(() -> listener.onAck(node)));
            }
            finishIfAllIn();
        }

        synchronized void respond(UUID node, byte[] answer) {
            if (done) {
                return;
            }
            if (answer.length > maxResponseBytes) {
                oversized++;
                ctx.stats().drop(DropReason.OVERSIZED);
                return;
            }
            if (responses.containsKey(node)) {
                duplicates++;
                return;
            }
            if (responses.size() >= MAX_RESPONSES) {
                ctx.stats().drop(DropReason.QUEUE_FULL);
                return;
            }
            long charge = answer.length + (long) ANSWER_OVERHEAD;
            if (answerBytes.addAndGet(charge) > MAX_ANSWER_BYTES) {
                answerBytes.addAndGet(-charge);
                ctx.stats().drop(DropReason.QUEUE_FULL);
                return;
            }
            charged += charge;
            responses.put(node, answer);
            if (listener != null) {
                QueryResponse r = new QueryResponse(node, answer, Duration.ofNanos(ctx.now() - start));
                lane.execute(() -> call(() -> listener.onResponse(r)));
            }
            finishIfAllIn();
        }

        private void finishIfAllIn() {
            if (!expected.isEmpty() && responses.keySet().containsAll(expected)
                    && (!wantAck || acked.containsAll(expected))) {
                finish();
            }
        }

        synchronized void finish() {
            if (done) {
                return;
            }
            done = true;
            inFlight.remove(id);
            answerBytes.addAndGet(-charged); // the answers are the summary's from now on
            charged = 0;
            if (timer != null) {
                timer.cancel();
            }
            Set<UUID> missing = new LinkedHashSet<>(expected);
            missing.removeAll(responses.keySet());
            QuerySummary s = new QuerySummary(Set.copyOf(acked), Map.copyOf(responses), Set.copyOf(missing),
                    Duration.ofNanos(ctx.now() - start), duplicates, oversized);
            // after the listener's last call
            lane.execute(() -> completions.complete(future, s));
        }

        private void call(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException | Error t) {
                errors.accept("query listener", t);
            }
        }
    }

    private final Context ctx;
    private final DirectMessages direct;
    private final Broadcasts broadcasts;
    private final Completions completions;
    private final Executor callbacks;
    private final BiConsumer<String, Throwable> errors;
    private final Supplier<Node> self;
    private final Predicate<String> offersService;
    private final Map<String, QueryHandler> handlers = new ConcurrentHashMap<>();
    private final Map<Long, Pending> inFlight = new ConcurrentHashMap<>();
    /** Bytes the answers of the queries in flight hold, see {@link #MAX_ANSWER_BYTES}. */
    private final AtomicLong answerBytes = new AtomicLong();
    private final AtomicLong nextId;

    /**
     * @param ctx           shared protocol parts
     * @param messaging     registers the reserved types' handlers
     * @param direct        sends acknowledgements and answers
     * @param broadcasts    disseminates queries
     * @param completions   completes futures off the protocol thread
     * @param callbacks     runs user code
     * @param errors        told user-code failures
     * @param self          this node's snapshot now
     * @param offersService whether this node offers a service
     */
    public QueryEngine(Context ctx, Messaging messaging, DirectMessages direct, Broadcasts broadcasts,
                       Completions completions, Executor callbacks, BiConsumer<String, Throwable> errors,
                       Supplier<Node> self, Predicate<String> offersService) {
        this.ctx = ctx;
        this.direct = direct;
        this.broadcasts = broadcasts;
        this.completions = completions;
        this.callbacks = callbacks;
        this.errors = errors;
        this.self = self;
        this.offersService = offersService;
        this.nextId = new AtomicLong(ctx.random().nextLong() & Long.MAX_VALUE);
        messaging.handle(QUERY, p -> onQuery(p.sender(), p.payload()));
        messaging.handle(ACK, p -> onAck(p.sender(), p.payload()));
        messaging.handle(RESPONSE, p -> onResponse(p.payload()));
        messaging.handle(RELAY, p -> onRelay(p.payload()));
    }

    /**
     * @param name    query name
     * @param handler answers it
     * @return removes it
     */
    public Subscription handle(String name, QueryHandler handler) {
        checkName(name);
        java.util.Objects.requireNonNull(handler, "handler");
        if (handlers.putIfAbsent(name, handler) != null) {
            throw new IllegalStateException("a handler for query '" + name + "' is already registered; close its Subscription first");
        }
        return () -> handlers.remove(name, handler);
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("a query name must be 1 to " + MAX_NAME_BYTES + " UTF-8 bytes");
        }
    }

    /**
     * Sends a query.
     *
     * @param name     query name
     * @param payload  bytes
     * @param options  filters and limits
     * @param listener told of acks and answers as they come, or null
     * @return the summary at the deadline
     */
    public CompletableFuture<QuerySummary> query(String name, byte[] payload, QueryOptions options, QueryListener listener) {
        checkName(name);
        java.util.Objects.requireNonNull(payload, "payload");
        java.util.Objects.requireNonNull(options, "options");
        int limit = ctx.config().maxFrameSize() - 4096 - options.nodes().size() * 16;
        if (payload.length > limit) {
            return CompletableFuture.failedFuture(new DeliveryException("query payload of " + payload.length
                    + " bytes exceeds the " + limit + " bytes a frame can carry; raise maxFrameSize or send less"));
        }
        CompletableFuture<QuerySummary> f = new CompletableFuture<>();
        ctx.scheduler().execute(() -> start(name, payload, options, listener, f));
        return f;
    }

    private void start(String name, byte[] payload, QueryOptions options, QueryListener listener, CompletableFuture<QuerySummary> f) {
        if (inFlight.size() >= MAX_IN_FLIGHT) {
            completions.fail(f, new DeliveryException(MAX_IN_FLIGHT + " queries of this node are still waiting for their "
                    + "deadlines; wait for some to complete or use shorter timeouts"));
            return;
        }
        Map<String, Pattern> tags = new LinkedHashMap<>();
        options.tags().forEach((k, v) -> tags.put(k, Pattern.compile(v)));
        Set<UUID> expected = new LinkedHashSet<>();
        int live = 0;
        for (Member m : ctx.table().members()) {
            if (m.isLive()) {
                live++;
                Node n = m.snapshot();
                boolean service = options.service() == null || (n.id().equals(ctx.selfId())
                        ? offersService.test(options.service())
                        : io.tamtam.internal.services.ServiceLayer.parse(n.metadata()).contains(options.service()));
                if (service && matches(n, options.nodes(), tags)) {
                    expected.add(n.id());
                }
            }
        }
        Duration timeout = options.timeout() != null ? options.timeout()
                : QueryOptions.defaultTimeout(ctx.config().gossipInterval(), live);
        long id = nextId.getAndIncrement();
        Wire wire = new Wire(id, name, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())), options.requestAck(),
                options.relayFactor(), options.maxResponseBytes(), options.nodes(), tags, options.service(), payload);
        Pending p = new Pending(id, ctx.now(), expected, options.requestAck(), options.maxResponseBytes(), listener, f);
        inFlight.put(id, p);
        p.timer = ctx.scheduler().schedule(p::finish, timeout.toNanos());
        broadcasts.originate(TYPE_QUERY, wire.encode()).whenComplete((v, err) -> {
            if (err != null) {
                synchronized (p) {
                    p.done = true;
                    inFlight.remove(id);
                    p.timer.cancel();
                }
                completions.fail(f, err);
            }
        });
        if (expected.contains(ctx.selfId())) {
            Node me = self.get();
            callbacks.execute(() -> answerLocally(wire, me));
        }
    }

    private void answerLocally(Wire q, Node me) {
        Pending p = inFlight.get(q.id());
        if (p == null) {
            return;
        }
        if (q.ack()) {
            p.ack(ctx.selfId());
        }
        byte[] answer = runHandler(q, me);
        if (answer != null) {
            p.respond(ctx.selfId(), answer);
        }
    }

    private boolean matches(Node n, Set<UUID> nodes, Map<String, Pattern> tags) {
        if (!nodes.isEmpty() && !nodes.contains(n.id())) {
            return false;
        }
        for (Map.Entry<String, Pattern> e : tags.entrySet()) {
            String v = n.metadata().get(e.getKey());
            if (v == null || !e.getValue().matcher(v).matches()) {
                return false;
            }
        }
        return true;
    }

    private byte[] runHandler(Wire q, Node origin) {
        QueryHandler h = handlers.get(q.name());
        if (h == null) {
            return null;
        }
        byte[] answer;
        try {
            answer = h.answer(new QueryRequest(q.id(), q.name(), origin, q.payload()));
        } catch (Exception | Error e) {
            errors.accept("query handler '" + q.name() + "'", e);
            return null;
        }
        if (answer != null && answer.length > q.maxResponseBytes()) {
            errors.accept("query handler '" + q.name() + "'", new IllegalStateException("answer of " + answer.length
                    + " bytes exceeds the query's maxResponseBytes " + q.maxResponseBytes() + "; not sent"));
            return null;
        }
        return answer;
    }

    // ------------------------------------------------------------------ receiving (callback lanes)

    private void onQuery(Node origin, byte[] bytes) {
        Wire q;
        try {
            q = Wire.decode(bytes);
        } catch (WireException e) {
            ctx.stats().drop(e.reason());
            return;
        }
        Node me = self.get();
        if (!matches(me, q.nodes(), q.tags()) || (q.service() != null && !offersService.test(q.service()))) {
            return;
        }
        UUID to = origin.id();
        if (q.ack()) {
            WireWriter w = new WireWriter(8);
            w.i64(q.id());
            direct.send(to, ACK, w.toByteArray());
        }
        byte[] answer = runHandler(q, origin);
        if (answer == null) {
            return;
        }
        WireWriter w = new WireWriter(24 + answer.length);
        w.i64(q.id()).uuid(ctx.selfId()).bytes(answer, 0, answer.length);
        byte[] response = w.toByteArray();
        direct.send(to, RESPONSE, response);
        if (q.relayFactor() > 0) {
            WireWriter rw = new WireWriter(16 + response.length);
            rw.uuid(to).bytes(response, 0, response.length);
            byte[] relay = rw.toByteArray();
            ctx.scheduler().execute(() -> {
                List<Member> via = ctx.table().random(q.relayFactor(),
                        m -> m.isLive() && !m.id().equals(ctx.selfId()) && !m.id().equals(to));
                for (Member m : via) {
                    direct.send(m.id(), RELAY, relay);
                }
            });
        }
    }

    private void onAck(Node from, byte[] bytes) {
        if (bytes.length != 8) {
            ctx.stats().drop(DropReason.MALFORMED);
            return;
        }
        long id = 0;
        for (byte b : bytes) {
            id = (id << 8) | (b & 0xff);
        }
        Pending p = inFlight.get(id);
        if (p != null && member(from.id())) {
            p.ack(from.id());
        }
    }

    /**
     * Acknowledgements and answers count only from live members (answers name their responder, which a
     * relay passes on): so what a query holds is bounded by the member table, as its summary lists one
     * entry per member.
     *
     * @param node who acknowledged or answered
     * @return whether it is a live member; if not, the input is dropped and counted as WRONG_TARGET
     */
    private boolean member(UUID node) {
        Member m = ctx.table().get(node);
        if (m != null && m.isLive()) {
            return true;
        }
        ctx.stats().drop(DropReason.WRONG_TARGET);
        return false;
    }

    private void onResponse(byte[] bytes) {
        try {
            WireReader r = new WireReader(bytes, 0, bytes.length);
            long id = r.i64();
            UUID responder = r.uuid();
            Pending p = inFlight.get(id);
            if (p != null && member(responder)) {
                p.respond(responder, r.bytes(r.remaining()));
            }
        } catch (WireException e) {
            ctx.stats().drop(e.reason());
        }
    }

    private void onRelay(byte[] bytes) {
        if (bytes.length < 16 + 8 + 16) {
            ctx.stats().drop(DropReason.MALFORMED);
            return;
        }
        try {
            WireReader r = new WireReader(bytes, 0, bytes.length);
            UUID origin = r.uuid();
            byte[] response = r.bytes(r.remaining());
            if (origin.equals(ctx.selfId())) {
                onResponse(response);
            } else {
                direct.send(origin, RESPONSE, response);
            }
        } catch (WireException e) {
            ctx.stats().drop(e.reason());
        }
    }

    /** @return queries waiting for their deadline */
    public int inFlight() {
        return inFlight.size();
    }
}
