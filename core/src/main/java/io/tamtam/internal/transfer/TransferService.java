package io.tamtam.internal.transfer;

import io.tamtam.DropReason;
import io.tamtam.Subscription;
import io.tamtam.internal.Context;
import io.tamtam.internal.Dispatch;
import io.tamtam.internal.Outbox;
import io.tamtam.internal.Stats;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.runtime.ByteBudget;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.runtime.DaemonThreads;
import io.tamtam.internal.runtime.SerialExecutor;
import io.tamtam.internal.wire.Message;
import io.tamtam.transfer.Transfer;
import io.tamtam.transfer.TransferConfig;
import io.tamtam.transfer.TransferHandler;
import io.tamtam.transfer.TransferOptions;
import io.tamtam.transfer.TransferProgress;
import io.tamtam.transfer.TransferResult;
import io.tamtam.transfer.TransferType;
import io.tamtam.transfer.Transfers;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * A node's transfers (PROTOCOL.md §20.1, "Transfers"): the API, the routing of the 0x40-0x45 kinds, and the
 * threads that read and write the files. Messages arrive on the receiving thread and go at once to the
 * transfer's lane, so file I/O never runs on a network or protocol thread; parts waiting for a lane are
 * bounded by {@link #MAX_QUEUED_PART_BYTES} (beyond it dropped as QUEUE_FULL and sent again by the sender
 * after its part timeout).
 */
public final class TransferService implements Transfers {
    static final int ACCEPT_OK = 0;
    static final int ACCEPT_REFUSED = 1;
    static final int ACCEPT_ALREADY_COMPLETE = 2;
    static final int DONE_COMPLETED = 0;
    static final int DONE_FAILED = 1;
    static final int DONE_CANCELLED = 2;
    static final int DONE_UNKNOWN = 3;
    /** Parts received and waiting for their transfer's lane: 64 MiB. */
    static final long MAX_QUEUED_PART_BYTES = 64L << 20;
    /** Cancelled incoming transfer ids remembered, so that a re-offer is answered "cancelled". */
    static final int MAX_CANCELLED = 1024;
    /** How long closing waits for the transfers' lanes to record their end: 5 s. */
    static final long CLOSE_WAIT_SECONDS = 5;

    private final Context ctx;
    private final TransferConfig config;
    private final Executor callbacks;
    private final Completions completions;
    private final TransferStore store;
    private final ThreadPoolExecutor ioPool;
    /**
     * Reads the senders' sources, off their lanes: a source (a user's InputStream) may block, and its
     * transfer's deadline, cancel and close must still end it. A thread per source being read, ended
     * after 30 s idle; one stuck in a read stays until the read returns.
     */
    private final ThreadPoolExecutor sourcePool;
    private final SerialExecutor control;
    /**
     * Most tasks that remote messages (offers, ends, dones) queue on {@link #control} at once: each may
     * touch the disk, so past it they are dropped and counted as QUEUE_FULL (senders offer and end again).
     */
    static final int MAX_CONTROL_QUEUED = 4096;
    private final java.util.concurrent.atomic.AtomicInteger controlQueued = new java.util.concurrent.atomic.AtomicInteger();
    private final ByteBudget queuedParts = new ByteBudget(MAX_QUEUED_PART_BYTES, 1 << 20);
    private final Map<Integer, TransferHandler> handlers = new ConcurrentHashMap<>();
    private final Map<UUID, Outgoing> outgoing = new ConcurrentHashMap<>();
    private final Map<UUID, Incoming> incoming = new ConcurrentHashMap<>();
    private final Map<UUID, String> cancelled = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, String> e) {
            return size() > MAX_CANCELLED;
        }
    };
    private volatile boolean closed;

    /**
     * @param ctx         shared parts (outbox, member table, clock, scheduler, stats)
     * @param config      transfer settings
     * @param callbacks   where handlers and listeners run
     * @param completions completes result futures
     * @param shortId     names the threads
     */
    public TransferService(Context ctx, TransferConfig config, Executor callbacks, Completions completions, String shortId) {
        this.ctx = ctx;
        this.config = config;
        this.callbacks = callbacks;
        this.completions = completions;
        this.store = new TransferStore(config.directory());
        this.ioPool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.numbered("tamtam-transfer-" + shortId), new ThreadPoolExecutor.DiscardPolicy());
        ioPool.allowCoreThreadTimeOut(true);
        this.control = new SerialExecutor(ioPool);
        this.sourcePool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(),
                DaemonThreads.numbered("tamtam-transfer-source-" + shortId), new ThreadPoolExecutor.DiscardPolicy());
    }

    /** @param dispatch where the transfer kinds are routed from */
    public void register(Dispatch dispatch) {
        dispatch.onReceivingThread(Message.TransferOffer.class, (m, sender, from, viaFrame) -> onOffer(sender, m));
        dispatch.onReceivingThread(Message.TransferAccept.class, (m, sender, from, viaFrame) -> {
            Outgoing o = fromItsReceiver(m.id(), sender);
            if (o != null) {
                o.lane.execute(() -> o.onAccept(m));
            }
        });
        dispatch.onReceivingThread(Message.TransferPart.class, (m, sender, from, viaFrame) -> onPart(sender, m));
        dispatch.onReceivingThread(Message.TransferPartAck.class, (m, sender, from, viaFrame) -> {
            Outgoing o = fromItsReceiver(m.id(), sender);
            if (o != null) {
                o.lane.execute(() -> o.onAck(m.index()));
            }
        });
        dispatch.onReceivingThread(Message.TransferEnd.class, (m, sender, from, viaFrame) -> onEnd(sender, m));
        dispatch.onReceivingThread(Message.TransferDone.class, (m, sender, from, viaFrame) -> {
            Outgoing o = outgoing.get(m.id());
            if (o != null) {
                if (sender.equals(o.peer)) {
                    o.lane.execute(() -> o.onDone(m));
                } else {
                    ctx.stats().drop(DropReason.WRONG_TARGET);
                }
            }
            // through the control lane, behind an offer of the same transfer that may still be there
            controlLater(() -> {
                Incoming in = incoming.get(m.id());
                if (in != null) {
                    if (sender.equals(in.peer)) {
                        in.lane.execute(() -> in.ended(m));
                    } else {
                        ctx.stats().drop(DropReason.WRONG_TARGET); // only its sender ends an incoming transfer
                    }
                } else if (m.status() == DONE_CANCELLED && address(sender) != null) {
                    synchronized (cancelled) {
                        cancelled.put(m.id(), m.reason());
                    }
                }
            });
        });
    }

    /**
     * @param id     a transfer's wire id
     * @param sender who sent a message about it
     * @return the outgoing transfer when {@code sender} is its receiver; else null, and a message from
     *         another node is counted as WRONG_TARGET
     */
    private Outgoing fromItsReceiver(UUID id, UUID sender) {
        Outgoing o = outgoing.get(id);
        if (o != null && !sender.equals(o.peer)) {
            ctx.stats().drop(DropReason.WRONG_TARGET);
            return null;
        }
        return o;
    }

    /**
     * Queues a task a remote message asked for on the control lane, unless {@link #MAX_CONTROL_QUEUED} wait.
     *
     * @param task the task
     */
    private void controlLater(Runnable task) {
        if (controlQueued.incrementAndGet() > MAX_CONTROL_QUEUED) {
            controlQueued.decrementAndGet();
            ctx.stats().drop(DropReason.QUEUE_FULL);
            return;
        }
        control.execute(() -> {
            controlQueued.decrementAndGet();
            task.run();
        });
    }

    /** Starts the periodic tick (resends, deadlines, reachability, idle receivers). */
    public void start() {
        scheduleTick();
    }

    private void scheduleTick() {
        long every = Math.max(50_000_000L, Math.min(1_000_000_000L, config.partTimeout().toNanos() / 4));
        ctx.scheduler().schedule(() -> {
            if (closed) {
                return;
            }
            for (Outgoing o : outgoing.values()) {
                o.lane.execute(o::tick);
            }
            for (Incoming in : incoming.values()) {
                in.lane.execute(in::tick);
            }
            scheduleTick();
        }, every);
    }

    /** Ends every open transfer (incoming ones stay on disk for a resume) and stops the threads. */
    public void close() {
        closed = true;
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Outgoing o : outgoing.values()) {
            closing.add(o.close("the cluster node is closed"));
        }
        for (Incoming in : incoming.values()) {
            closing.add(in.close());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // a lane stuck in file I/O: its transfer's state stays on disk as it is
        }
        ioPool.shutdown();
        // sourcePool is left to end its threads when idle: a source's close waits on its reader behind a
        // read that may still block, and a pool shut down would drop it.
    }

    // ---------------------------------------------------------------- API

    @Override
    public Transfer send(UUID node, TransferType type, Path file, TransferOptions options) {
        Objects.requireNonNull(file, "file");
        long size;
        PartSource source;
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + " is not a regular file; send a file, or an InputStream with its size");
            }
            size = Files.size(file);
            source = PartSource.of(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return start(node, type, size, source, options);
    }

    @Override
    public Transfer send(UUID node, TransferType type, InputStream content, long size, TransferOptions options) {
        Objects.requireNonNull(content, "content");
        if (size < 0) {
            throw new IllegalArgumentException("size is " + size + "; give the number of bytes the stream holds");
        }
        return start(node, type, size, PartSource.of(content), options);
    }

    private Transfer start(UUID node, TransferType type, long size, PartSource source, TransferOptions options) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        if (closed) {
            closeQuietly(source);
            throw new IllegalStateException("this cluster node is closed; create a new one");
        }
        long maxParts = maxParts(ctx.config().maxFrameSize());
        if ((size + config.partSize() - 1) / config.partSize() > maxParts) {
            closeQuietly(source);
            throw new IllegalArgumentException(size + " bytes need more than " + maxParts + " parts of "
                    + config.partSize() + " bytes (the parts an acceptance's bitmap of at most maxFrameSize can list);"
                    + " raise TransferConfig.partSize");
        }
        if (outgoing.size() >= config.maxTransfers()) {
            closeQuietly(source);
            throw new IllegalStateException(outgoing.size() + " transfers are being sent already (TransferConfig.maxTransfers); "
                    + "wait for one to end");
        }
        Outgoing o = new Outgoing(this, options.id(), node, type.id(), size, config.partSize(), options.name(), source,
                options.deadline(), options.listener());
        if (outgoing.putIfAbsent(o.wireId, o) != null) {
            closeQuietly(source);
            throw new IllegalStateException("transfer " + options.id() + " is being sent already; wait for its result");
        }
        if (closed) {
            // close() may have gone over the transfers before this one was added: it would never end
            outgoing.remove(o.wireId, o);
            closeQuietly(source);
            throw new IllegalStateException("this cluster node is closed; create a new one");
        }
        ctx.stats().transferStarted();
        o.start();
        return o;
    }

    @Override
    public Subscription handle(TransferType type, TransferHandler handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        if (handlers.putIfAbsent(type.id(), handler) != null) {
            throw new IllegalStateException("transfer type " + type.id() + " already has a handler; close its subscription first");
        }
        return () -> handlers.remove(type.id(), handler);
    }

    @Override
    public List<Transfer> active() {
        List<Transfer> all = new ArrayList<>(outgoing.values());
        all.addAll(incoming.values());
        return all;
    }

    /**
     * @param maxFrameSize the node's frame limit
     * @return most parts a transfer may have: an acceptance lists the parts held as a bitmap, one bit
     *         each, in one frame (4 KiB left for the rest of the packet), and fewer than 2^31
     */
    static long maxParts(int maxFrameSize) {
        return Math.min(Integer.MAX_VALUE, 8L * Math.max(0, maxFrameSize - 4096));
    }

    // ---------------------------------------------------------------- inbound

    private void onOffer(UUID sender, Message.TransferOffer m) {
        if (!m.id().equals(wireId(m.key())) || m.size() < 0 || m.partSize() < 4096
                || m.partSize() > ctx.config().maxFrameSize()
                || (m.size() + m.partSize() - 1) / m.partSize() > maxParts(ctx.config().maxFrameSize())
                || m.userType() < io.tamtam.Cluster.USER_TYPE_MIN) {
            ctx.stats().drop(DropReason.MALFORMED);
            return;
        }
        controlLater(() -> {
            if (closed) {
                return;
            }
            if (store.isCompleted(m.id())) {
                sendTo(sender, new Message.TransferAccept(m.id(), ACCEPT_ALREADY_COMPLETE, "", new byte[0]));
                return;
            }
            String cancel;
            synchronized (cancelled) {
                cancel = cancelled.get(m.id());
            }
            if (cancel != null) {
                sendTo(sender, new Message.TransferDone(m.id(), DONE_CANCELLED, cancel));
                return;
            }
            Incoming in = incoming.get(m.id());
            if (in != null) {
                if (in.sameShape(m)) {
                    in.lane.execute(() -> in.reoffer(sender));
                } else {
                    refuse(sender, m, "transfer " + m.key() + " is open here with another type or size");
                }
                return;
            }
            TransferHandler handler = handlers.get(m.userType());
            if (handler == null) {
                refuse(sender, m, "no handler for transfer type " + m.userType());
            } else if (incoming.size() >= config.maxTransfers()) {
                refuse(sender, m, "the receiver has " + incoming.size() + " transfers open, its limit");
            } else if (m.size() > store.usableSpace()) {
                refuse(sender, m, "the receiver has less than " + m.size() + " bytes of disk space free");
            } else {
                Incoming fresh = new Incoming(this, sender, m, handler);
                incoming.put(m.id(), fresh);
                fresh.lane.execute(fresh::open);
            }
        });
    }

    private void refuse(UUID sender, Message.TransferOffer m, String why) {
        sendTo(sender, new Message.TransferAccept(m.id(), ACCEPT_REFUSED, why, new byte[0]));
    }

    private void onPart(UUID sender, Message.TransferPart m) {
        Incoming in = incoming.get(m.id());
        if (in == null) {
            sendTo(sender, new Message.TransferDone(m.id(), DONE_UNKNOWN, "no such transfer open"));
            return;
        }
        CRC32C crc = new CRC32C();
        crc.update(m.data());
        if ((int) crc.getValue() != m.crc()) {
            rejected();
            return;
        }
        int len = m.data().length;
        if (!queuedParts.tryAcquire(len)) {
            ctx.stats().drop(DropReason.QUEUE_FULL);
            return;
        }
        in.lane.execute(() -> {
            queuedParts.release(len);
            if (!in.part(sender, m)) {
                sendTo(sender, new Message.TransferDone(m.id(), DONE_UNKNOWN, "no such transfer open"));
            }
        });
    }

    private void onEnd(UUID sender, Message.TransferEnd m) {
        Incoming in = incoming.get(m.id());
        if (in != null) {
            in.lane.execute(() -> in.end(sender, m));
            return;
        }
        controlLater(() -> sendTo(sender, store.isCompleted(m.id())
                ? new Message.TransferDone(m.id(), DONE_COMPLETED, "")
                : new Message.TransferDone(m.id(), DONE_UNKNOWN, "no such transfer open")));
    }

    // ---------------------------------------------------------------- for the transfers

    void rejected() {
        ctx.stats().transferPartRejected();
        ctx.stats().drop(DropReason.MALFORMED);
    }

    void ended(Outgoing o, TransferResult.Status status) {
        outgoing.remove(o.wireId, o);
        ctx.stats().transferEnded(status);
    }

    void ended(Incoming in, TransferResult.Status status) {
        incoming.remove(in.wireId, in);
        if (status == TransferResult.Status.CANCELLED) {
            synchronized (cancelled) {
                cancelled.put(in.wireId, "cancelled");
            }
        }
        ctx.stats().transferEnded(status);
    }

    /** An offer was refused before it started: not counted as a transfer. */
    void forget(Incoming in, String why) {
        incoming.remove(in.wireId, in);
    }

    /** @return the live member's address, or null when it is not a live member */
    InetSocketAddress address(UUID node) {
        Member m = ctx.table().get(node);
        return m == null || !m.isLive() ? null : m.snapshot().address();
    }

    void sendTo(UUID node, Message m) {
        InetSocketAddress to = address(node);
        if (to != null) {
            ctx.outbox().sendFrame(to, m);
        }
    }

    long now() {
        return ctx.now();
    }

    Executor io() {
        return ioPool;
    }

    /** @return where senders read their sources (see {@link #sourcePool}) */
    Executor sources() {
        return sourcePool;
    }

    Executor callbacks() {
        return callbacks;
    }

    Completions completions() {
        return completions;
    }

    TransferConfig config() {
        return config;
    }

    TransferStore store() {
        return store;
    }

    Stats stats() {
        return ctx.stats();
    }

    Outbox outbox() {
        return ctx.outbox();
    }

    static UUID wireId(String key) {
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
    }

    static TransferProgress progress(long elapsedNanos, long done, long resumed, long size) {
        double rate = (done - resumed) * 1e9 / Math.max(1, elapsedNanos);
        java.time.Duration eta = done >= size ? java.time.Duration.ZERO
                : rate <= 0 ? null : java.time.Duration.ofNanos((long) ((size - done) / rate * 1e9));
        return new TransferProgress(done, size, resumed, rate, eta);
    }

    static int partCount(long size, int partSize) {
        return (int) ((size + partSize - 1) / partSize);
    }

    private static void closeQuietly(PartSource s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // not started
        }
    }
}
