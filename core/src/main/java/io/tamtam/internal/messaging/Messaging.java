package io.tamtam.internal.messaging;

import io.tamtam.internal.runtime.ByteBudget;

import io.tamtam.Cluster;
import io.tamtam.DropReason;
import io.tamtam.MessageHandler;
import io.tamtam.MessageType;
import io.tamtam.RequestType;
import io.tamtam.Node;
import io.tamtam.Packet;
import io.tamtam.RequestHandler;
import io.tamtam.Subscription;
import io.tamtam.internal.Stats;
import io.tamtam.internal.peer.Peers;
import io.tamtam.internal.wire.PayloadArrays;
import io.tamtam.internal.wire.WireFormat;

import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The receiving side of user messages: handlers by type, and delivery on the callback executor, one
 * message at a time per sender (through the sender's {@link Peer} session), in arrival order. Bounded in
 * bytes and count by the node's {@link ByteBudget}: a message that does not fit is refused (counted as
 * {@link DropReason#QUEUE_FULL}; a reliable sender or requester is told). Thread-safe.
 */
public final class Messaging {
    /** The outcome of one delivery, for acknowledgements and replies. */
    @FunctionalInterface
    public interface Outcome {
        /**
         * @param status a {@code WireFormat.STATUS_*} value
         * @param reply  the encoded reply (requests), or the error message as UTF-8
         */
        void done(int status, byte[] reply);

        /**
         * @param status a {@code WireFormat.STATUS_*} value
         * @param reply  the encoded reply (requests), or the error message as UTF-8
         * @param more   whether more messages of the same task (a {@link Batch}) run after this one
         */
        default void done(int status, byte[] reply, boolean more) {
            done(status, reply);
        }
    }

    /**
     * Messages of one sender gathered while its packet is read, handed to the sender's delivery lane as
     * one task that runs their handlers one after the other, in order: one hand-off per packet, not one
     * per message. Each message is looked up and counted against the node's {@link ByteBudget} when it is
     * added, as a message delivered alone is. Filled by one thread.
     */
    public static final class Batch {
        private final UUID sender;
        private final io.tamtam.internal.peer.Peer session;
        private final Registration[] regs;
        private final int[] types;
        private final byte[][] payloads;
        private final Outcome[] outcomes;
        private int size;
        private long bytes;

        /**
         * @param sender   the sending node
         * @param session  its session
         * @param capacity most messages it will hold
         */
        public Batch(UUID sender, io.tamtam.internal.peer.Peer session, int capacity) {
            this.sender = sender;
            this.session = session;
            this.regs = new Registration[capacity];
            this.types = new int[capacity];
            this.payloads = new byte[capacity][];
            this.outcomes = new Outcome[capacity];
        }

        /** @return the messages gathered */
        public int size() {
            return size;
        }
    }

    private record Registration(MessageType<Object> type, MessageHandler<Object> handler,
                                RequestHandler<Object, Object> requestHandler) {
        Class<Object> payloadClass() {
            return type.payloadClass();
        }
    }

    /**
     * Handlers by type, copied on every change (rare) so that a delivery looks one up without a lock or a
     * boxed key: {@code types} sorted, {@code regs} in the same order.
     */
    private record Table(int[] types, Registration[] regs) {
        Registration get(int type) {
            int i = java.util.Arrays.binarySearch(types, type);
            return i < 0 ? null : regs[i];
        }
    }

    private static final byte[] NO_BYTES = new byte[0];

    private volatile Table handlers = new Table(new int[0], new Registration[0]);
    private final Peers peers;
    private final ByteBudget budget;
    private final Payloads payloads;
    private final Stats stats;
    private final BiConsumer<String, Throwable> errors;
    private final Function<UUID, Node> nodes;

    /**
     * @param peers     the senders' sessions, whose lanes run handlers in order
     * @param budget    bounds what waits for handlers
     * @param payloads  payload decoding
     * @param stats     counters
     * @param errors    receives handler failures
     * @param nodes     looks up the sender's snapshot
     */
    public Messaging(Peers peers, ByteBudget budget, Payloads payloads, Stats stats,
                     BiConsumer<String, Throwable> errors, Function<UUID, Node> nodes) {
        this.peers = peers;
        this.budget = budget;
        this.payloads = payloads;
        this.stats = stats;
        this.errors = errors;
        this.nodes = nodes;
    }

    /**
     * @param type a user type
     * @throws IllegalArgumentException when out of the user range
     */
    public static void checkUserType(int type) {
        if (type < Cluster.USER_TYPE_MIN || type > Cluster.USER_TYPE_MAX) {
            throw new IllegalArgumentException("message type " + type + " is " + (type < Cluster.USER_TYPE_MIN && type >= 0
                    ? "in the range reserved for TamTam (0 to " + (Cluster.USER_TYPE_MIN - 1) + ")" : "out of range")
                    + "; use a type from " + Cluster.USER_TYPE_MIN + " to " + Cluster.USER_TYPE_MAX);
        }
    }

    /**
     * @param type    the message type
     * @param handler message handler
     * @param <T>     payload type
     * @return removes it
     */
    @SuppressWarnings("unchecked")
    public <T> Subscription handle(MessageType<T> type, MessageHandler<T> handler) {
        return register(new Registration((MessageType<Object>) type, (MessageHandler<Object>) handler, null));
    }

    /**
     * @param type    the request type
     * @param handler request handler
     * @param <T>     request type
     * @param <R>     reply type
     * @return removes it
     */
    @SuppressWarnings("unchecked")
    public <T, R> Subscription handleRequest(RequestType<T, R> type, RequestHandler<T, R> handler) {
        payloads.checkSupported(type.replyClass());
        return register(new Registration((MessageType<Object>) type.requestType(), null,
                (RequestHandler<Object, Object>) handler));
    }

    private Subscription register(Registration reg) {
        if (reg.type() == null || (reg.handler() == null && reg.requestHandler() == null)) {
            throw new NullPointerException("type and handler must not be null");
        }
        int type = reg.type().id();
        payloads.checkSupported(reg.payloadClass());
        synchronized (this) {
            Table t = handlers;
            int i = java.util.Arrays.binarySearch(t.types(), type);
            if (i >= 0) {
                throw new IllegalStateException("a handler for message type " + type
                        + " is already registered; close its Subscription first or use another type");
            }
            int at = -i - 1;
            int[] types = new int[t.types().length + 1];
            Registration[] regs = new Registration[types.length];
            System.arraycopy(t.types(), 0, types, 0, at);
            System.arraycopy(t.regs(), 0, regs, 0, at);
            types[at] = type;
            regs[at] = reg;
            System.arraycopy(t.types(), at, types, at + 1, t.types().length - at);
            System.arraycopy(t.regs(), at, regs, at + 1, t.regs().length - at);
            handlers = new Table(types, regs);
        }
        return () -> unregister(type, reg);
    }

    private synchronized void unregister(int type, Registration reg) {
        Table t = handlers;
        int i = java.util.Arrays.binarySearch(t.types(), type);
        if (i < 0 || t.regs()[i] != reg) {
            return;
        }
        int[] types = new int[t.types().length - 1];
        Registration[] regs = new Registration[types.length];
        System.arraycopy(t.types(), 0, types, 0, i);
        System.arraycopy(t.regs(), 0, regs, 0, i);
        System.arraycopy(t.types(), i + 1, types, i, types.length - i);
        System.arraycopy(t.regs(), i + 1, regs, i, regs.length - i);
        handlers = new Table(types, regs);
    }

    /**
     * @param type a user type
     * @return whether its handler takes {@link ByteBuffer} payloads (a view valid during the call)
     */
    public boolean takesView(int type) {
        Registration reg = handlers.get(type);
        return reg != null && ByteBuffer.class.equals(reg.payloadClass());
    }

    /**
     * Delivers one message to its handler.
     *
     * @param sender   the sending (or originating) node
     * @param userType the type
     * @param payload  encoded payload
     * @param request  whether a reply is expected
     * @param outcome  told the result, or null
     */
    public void deliver(UUID sender, int userType, byte[] payload, boolean request, Outcome outcome) {
        deliver(sender, null, userType, payload, request, outcome, false);
    }

    /**
     * Delivers one message whose payload array nothing else references (decoded from a packet for this
     * node alone): a handler of {@link ByteBuffer} payloads gets a view of it, after which it goes back to
     * {@link PayloadArrays} for the next payload of its length.
     *
     * @param sender   the sending node
     * @param userType the type
     * @param payload  encoded payload, owned by this call
     * @param request  whether a reply is expected
     * @param outcome  told the result, or null
     */
    public void deliverOwned(UUID sender, int userType, byte[] payload, boolean request, Outcome outcome) {
        deliver(sender, null, userType, payload, request, outcome, true);
    }

    /**
     * Delivers one message to its handler, through a session the caller already looked up.
     *
     * @param sender   the sending (or originating) node
     * @param session  its session, or null to look it up
     * @param userType the type
     * @param payload  encoded payload
     * @param request  whether a reply is expected
     * @param outcome  told the result, or null
     * @param owned    whether nothing else references the payload array (see {@link #deliverOwned})
     */
    void deliver(UUID sender, io.tamtam.internal.peer.Peer session, int userType, byte[] payload, boolean request,
                 Outcome outcome, boolean owned) {
        Registration reg = handlers.get(userType);
        if (reg == null || (request && reg.requestHandler() == null) || (!request && reg.handler() == null)) {
            stats.drop(DropReason.NO_HANDLER);
            if (outcome != null) {
                outcome.done(WireFormat.STATUS_NO_HANDLER, utf8("no " + (request ? "request " : "") + "handler for message type " + userType));
            }
            return;
        }
        if (!budget.tryAcquire(payload.length)) {
            refuseOverloaded(outcome);
            return;
        }
        try {
            (session != null ? session : peers.sender(sender)).delivery().execute(
                    () -> run(reg, sender, userType, payload, request, outcome, false, owned && recycles(reg)));
        } catch (RuntimeException e) {
            budget.release(payload.length);
            stats.drop(DropReason.QUEUE_FULL);
        }
    }

    /**
     * Adds a message (not a request) to a batch, or, when it has no handler, tells its outcome so at
     * once, as {@link #deliver} does. Its room in the budget is taken by {@link #submit}.
     *
     * @param batch    the sender's batch
     * @param userType the type
     * @param payload  encoded payload
     * @param outcome  told the result, or null
     */
    void gather(Batch batch, int userType, byte[] payload, Outcome outcome) {
        Registration reg = handlers.get(userType);
        if (reg == null || reg.handler() == null) {
            stats.drop(DropReason.NO_HANDLER);
            if (outcome != null) {
                outcome.done(WireFormat.STATUS_NO_HANDLER, utf8("no handler for message type " + userType));
            }
            return;
        }
        int i = batch.size++;
        batch.regs[i] = reg;
        batch.types[i] = userType;
        batch.payloads[i] = payload;
        batch.outcomes[i] = outcome;
        batch.bytes += payload.length;
    }

    /**
     * Takes the batch's room in the budget, all at once when it fits (else message by message, in order,
     * refusing those that do not fit, as {@link #deliver} would), and hands its messages to their
     * sender's delivery lane as one task.
     *
     * @param batch the batch; not to be used after
     */
    void submit(Batch batch) {
        if (batch.size > 0 && !budget.tryAcquire(batch.bytes, batch.size)) {
            int kept = 0;
            long bytes = 0;
            for (int i = 0; i < batch.size; i++) {
                if (!budget.tryAcquire(batch.payloads[i].length)) {
                    refuseOverloaded(batch.outcomes[i]);
                    continue;
                }
                batch.regs[kept] = batch.regs[i];
                batch.types[kept] = batch.types[i];
                batch.payloads[kept] = batch.payloads[i];
                batch.outcomes[kept] = batch.outcomes[i];
                bytes += batch.payloads[i].length;
                kept++;
            }
            batch.size = kept;
            batch.bytes = bytes;
        }
        int n = batch.size;
        if (n == 0) {
            return;
        }
        try {
            batch.session.delivery().execute(() -> runAll(batch));
        } catch (RuntimeException e) {
            budget.release(batch.bytes, n);
            for (int i = 0; i < n; i++) {
                stats.drop(DropReason.QUEUE_FULL);
            }
        }
    }

    /**
     * Runs a batch's messages in order, then gives back their room in the budget; one that fails beyond
     * its handler (whose failures {@link #handle} reports and answers) is reported, and the rest still run.
     */
    private void runAll(Batch batch) {
        int n = batch.size;
        try {
            for (int i = 0; i < n; i++) {
                try {
                    handle(batch.regs[i], batch.sender, batch.types[i], batch.payloads[i], false, batch.outcomes[i],
                            i < n - 1, recycles(batch.regs[i]));
                } catch (RuntimeException | Error e) {
                    errors.accept("delivery of message type " + batch.types[i], e);
                }
            }
        } finally {
            budget.release(batch.bytes, n);
        }
    }

    /**
     * Counts a message refused for lack of room and tells its sender.
     *
     * @param outcome told the refusal, or null
     */
    public void refuseOverloaded(Outcome outcome) {
        stats.drop(DropReason.QUEUE_FULL);
        if (outcome != null) {
            outcome.done(WireFormat.STATUS_OVERLOADED, utf8("receiver overloaded: " + budget.items()
                    + " messages (" + budget.bytes() + " bytes) wait for handlers, the bound is " + budget.maxItems()
                    + " messages or " + budget.maxBytes() + " bytes"));
        }
    }

    private void run(Registration reg, UUID sender, int userType, byte[] payload, boolean request, Outcome outcome,
                     boolean more, boolean recycle) {
        try {
            handle(reg, sender, userType, payload, request, outcome, more, recycle);
        } finally {
            budget.release(payload.length);
        }
    }

    /** @return whether a payload array this node alone holds goes back to {@link PayloadArrays} after {@code reg}'s handler */
    private static boolean recycles(Registration reg) {
        return ByteBuffer.class.equals(reg.payloadClass());
    }

    /** @param recycle whether the payload array goes back to {@link PayloadArrays} once the handler returned */
    private void handle(Registration reg, UUID sender, int userType, byte[] payload, boolean request, Outcome outcome,
                        boolean more, boolean recycle) {
        if (!recycle) {
            PayloadArrays.disown(payload); // the handler may keep it
        }
        boolean givenBack = false;
        try {
            givenBack = handleOwned(reg, sender, userType, payload, request, outcome, more, recycle);
        } finally {
            if (recycle && !givenBack) {
                PayloadArrays.giveBack(payload);
            }
        }
    }

    /** @return whether the payload array went back to {@link PayloadArrays} (only once its handler returned) */
    private boolean handleOwned(Registration reg, UUID sender, int userType, byte[] payload, boolean request,
                                Outcome outcome, boolean more, boolean recycle) {
        Object value;
        try {
            value = payloads.decode(payload, reg.payloadClass());
        } catch (Exception | Error e) { // a codec of the user's may fail any way: as for a handler
            stats.drop(DropReason.UNDECODABLE_PAYLOAD);
            if (outcome != null) {
                outcome.done(WireFormat.STATUS_UNDECODABLE, utf8("cannot decode payload of type " + userType
                        + " as " + reg.payloadClass().getName() + ": " + e.getMessage()), more);
            }
            return false;
        }
        Packet<Object> packet = new Packet<>(nodes.apply(sender), reg.type(), value);
        boolean givenBack = false;
        try {
            if (request) {
                Object reply = reg.requestHandler().handle(packet);
                if (outcome != null) {
                    outcome.done(WireFormat.STATUS_OK, payloads.encode(reply));
                }
            } else {
                reg.handler().handle(packet);
                if (recycle) {
                    PayloadArrays.giveBack(payload); // before the acknowledgement: the next one may reuse it
                    givenBack = true;
                }
                if (outcome != null) {
                    outcome.done(WireFormat.STATUS_OK, NO_BYTES, more);
                }
            }
        } catch (Exception | Error e) {
            stats.callbackError();
            errors.accept("handler of message type " + userType, e);
            if (outcome != null) {
                String msg = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
                outcome.done(WireFormat.STATUS_HANDLER_ERROR, utf8(msg), more);
            }
        }
        return givenBack;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
