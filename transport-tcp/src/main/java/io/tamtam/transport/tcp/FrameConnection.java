package io.tamtam.transport.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.VoidChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One frame connection: the pooled connection to a remote listen address, opened by this node or
 * accepted from the remote and reused for this node's frames to it.
 *
 * <p>Outbound path: any thread {@link #enqueue enqueues} a {@link FrameWrite} on a lock-free MPSC queue
 * and, if no drain is pending, schedules one on the connection's event loop. The drain writes every
 * queued frame (up to {@value #MAX_BATCH_FRAMES} per pass) and flushes once; only the last write of a
 * batch carries a promise, and its completion completes the futures of the whole batch, in order
 * (writes on one channel complete in order). The drain stops while the channel is not writable (the
 * water mark) and resumes when it is. At most {@value #MAX_QUEUED_MIB} MiB may wait in the queue (while
 * connecting or while the channel is not writable); beyond that new frames fail at once.
 *
 * <p>Every field but the queue, its byte count, the drain flag, the state and the channel is touched only
 * on the connection's event loop.
 */
final class FrameConnection extends ChannelInboundHandlerAdapter implements Runnable, ChannelFutureListener {

    /** Most bytes of frames that may wait in one connection's queue. */
    static final long MAX_QUEUED_BYTES = 64L << 20;
    private static final int MAX_QUEUED_MIB = 64;
    private static final int MAX_BATCH_FRAMES = 1024;
    private static final int CONNECTING = 0;
    private static final int OPEN = 1;
    private static final int CLOSED = 2;
    private static final Logger LOG = LoggerFactory.getLogger(FrameConnection.class);

    private final TcpTransport transport;
    private final InetSocketAddress key;
    private final EventLoop loop;
    private final Queue<FrameWrite> queue = PlatformDependent.newMpscQueue();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ArrayDeque<FrameWrite> inFlight = new ArrayDeque<>();
    private final Runnable idleCheck = this::checkIdle;
    private final Runnable writeCheck = this::checkWriteProgress;
    private volatile int state = CONNECTING;
    private volatile Channel channel;
    private FrameDecoder decoder;
    private long framesSeen;
    private ChannelPromise quietPromise;
    private IOException failure;
    private boolean idleClosed;
    private boolean writeCheckArmed;
    private long lastActivityNanos;
    private long lastProgressNanos;

    /**
     * @param transport the owner
     * @param key       the remote's listen address, or {@code null} when the remote did not say
     * @param loop      the event loop the connection's channel runs on
     */
    FrameConnection(TcpTransport transport, InetSocketAddress key, EventLoop loop) {
        this.transport = transport;
        this.key = key;
        this.loop = loop;
    }

    /**
     * @param frames the decoder in front of this connection's handler; on the event loop, once
     * @return the decoder
     */
    FrameDecoder decoder(FrameDecoder frames) {
        decoder = frames;
        return frames;
    }

    /** @return the remote's listen address, or {@code null} when unknown */
    InetSocketAddress key() {
        return key;
    }

    /** @return whether the connection is closed or failed to open; a closed connection takes no frames */
    boolean isClosed() {
        return state == CLOSED;
    }

    // ---- opening -------------------------------------------------------------------------------

    /**
     * Starts connecting to {@link #key}; called once, on any thread, for an outbound connection.
     *
     * @param template the transport's client bootstrap, without group or handler
     */
    void connect(Bootstrap template) {
        FrameConnection self = this;
        ChannelFuture connecting = template.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                transport.track(ch);
                transport.addClientTls(ch, key);
                ch.pipeline().addLast(self.decoder(transport.newFrameDecoder()), self);
            }
        }).connect(key);
        channel = connecting.channel();
        connecting.addListener(this);
    }

    /** The outcome of {@link #connect}, on the event loop. */
    @Override
    public void operationComplete(ChannelFuture connected) {
        if (!connected.isSuccess()) {
            closeWith(connectFailure(connected.cause()), false);
            return;
        }
        if (state == CLOSED) {
            connected.channel().close();
            return;
        }
        Channel ch = connected.channel();
        opened(ch);
        ch.write(Preface.encode(ch.alloc(), Preface.KIND_FRAMES, transport.listenPort()), quietPromise);
        run();
        ch.flush();
    }

    /**
     * Marks the connection open on {@code ch}; on the event loop, once.
     *
     * @param ch the connected channel
     */
    void opened(Channel ch) {
        channel = ch;
        quietPromise = new VoidChannelPromise(ch, false);
        state = OPEN;
        transport.frameConnectionOpened();
        lastActivityNanos = System.nanoTime();
        loop.schedule(idleCheck, transport.idleTimeoutNanos(), TimeUnit.NANOSECONDS);
    }

    private IOException connectFailure(Throwable cause) {
        if (transport.isClosed()) {
            return TcpTransport.closedException();
        }
        if (cause instanceof ConnectTimeoutException) {
            return new IOException("connecting to " + key + " timed out after "
                    + transport.connectTimeoutMillis() + " ms; check that the node is up and reachable", cause);
        }
        return new IOException("cannot connect to " + key + " (" + cause.getMessage()
                + "); check that the node is up and listening there", cause);
    }

    // ---- sending -------------------------------------------------------------------------------

    /**
     * Queues a frame; any thread. Fails the frame at once when the queue is full.
     *
     * @param frame the frame
     */
    void enqueue(FrameWrite frame) {
        int size = frame.size();
        long queued = queuedBytes.addAndGet(size);
        if (queued > MAX_QUEUED_BYTES && queued != size) {
            queuedBytes.addAndGet(-size);
            frame.fail(new IOException("send queue full for " + key + ": more than " + MAX_QUEUED_MIB
                    + " MiB of frames wait for this connection; slow down or check that the node is reachable"));
            return;
        }
        frame.queuedOn(this);
        queue.offer(frame);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                failQueuedAfterLoopDied();
            }
        }
    }

    /** The drain: writes queued frames and flushes once; on the event loop. */
    @Override
    public void run() {
        int current = state;
        if (current == CONNECTING) {
            return; // the connect outcome drains; the flag stays set meanwhile
        }
        if (current == CLOSED) {
            drainScheduled.set(false);
            disposeQueued();
            return;
        }
        Channel ch = channel;
        if (!ch.isWritable()) {
            return; // channelWritabilityChanged drains; the flag stays set meanwhile
        }
        drainScheduled.set(false);
        boolean wasIdle = inFlight.isEmpty();
        FrameWrite last = null;
        int frames = 0;
        long bytes = 0;
        FrameWrite next;
        while ((next = queue.poll()) != null) {
            if (last != null) {
                ch.write(last.takeBuffer(), quietPromise);
            }
            inFlight.add(next);
            bytes += next.size();
            last = next;
            if (++frames == MAX_BATCH_FRAMES || !ch.isWritable()) {
                break;
            }
        }
        if (last == null) {
            return;
        }
        queuedBytes.addAndGet(-bytes);
        if (wasIdle) {
            lastProgressNanos = System.nanoTime();
        }
        ch.write(last.takeBuffer(), ch.newPromise().addListener(last));
        ch.flush();
        armWriteCheck();
        if (!queue.isEmpty() && drainScheduled.compareAndSet(false, true) && ch.isWritable()) {
            loop.execute(this);
        }
    }

    /**
     * Completes the futures of a write batch; on the event loop.
     *
     * @param marker the batch's last frame
     * @param result the outcome of its write
     */
    void batchWritten(FrameWrite marker, ChannelFuture result) {
        if (!result.isSuccess()) {
            if (failure == null) {
                failure = new IOException("connection to " + describe() + " broke: "
                        + result.cause().getMessage(), result.cause());
            }
            closeWith(failure, false);
            return;
        }
        long now = System.nanoTime();
        lastProgressNanos = now;
        lastActivityNanos = now;
        FrameWrite done;
        do {
            done = inFlight.poll();
            if (done == null) {
                return;
            }
            done.complete(null);
        } while (done != marker);
    }

    private void armWriteCheck() {
        if (!writeCheckArmed) {
            writeCheckArmed = true;
            loop.schedule(writeCheck, transport.writeTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void checkWriteProgress() {
        writeCheckArmed = false;
        if (state != OPEN || inFlight.isEmpty()) {
            return;
        }
        long timeout = transport.writeTimeoutNanos();
        long stalled = System.nanoTime() - lastProgressNanos;
        if (stalled >= timeout) {
            closeWith(new IOException("writes to " + describe() + " made no progress for "
                    + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms (writeTimeout); the remote is not reading"),
                    false);
            return;
        }
        writeCheckArmed = true;
        loop.schedule(writeCheck, timeout - stalled, TimeUnit.NANOSECONDS);
    }

    // ---- closing -------------------------------------------------------------------------------

    private void checkIdle() {
        if (state != OPEN) {
            return;
        }
        long timeout = transport.idleTimeoutNanos();
        long idle = System.nanoTime() - lastActivityNanos;
        // A frame arriving keeps the connection, as long as it keeps up the minimum receive rate (the
        // decoder cuts it otherwise); its bytes alone do not count as activity.
        if (idle >= timeout && inFlight.isEmpty() && queue.isEmpty() && (decoder == null || !decoder.receiving())) {
            LOG.debug("Closing idle frame connection to {}", describe());
            closeWith(new IOException("connection to " + describe() + " closed after the idle timeout"), true);
            return;
        }
        loop.schedule(idleCheck, idle >= timeout ? timeout : timeout - idle, TimeUnit.NANOSECONDS);
    }

    /** Closes the connection, as after the idle timeout, if it has nothing to write or to read now; any thread. */
    void closeIfIdle() {
        try {
            loop.execute(() -> {
                if (state == OPEN && inFlight.isEmpty() && queue.isEmpty() && (decoder == null || !decoder.receiving())) {
                    closeWith(new IOException("connection to " + describe() + " closed: idle while the transport was"
                            + " at its most frame connections"), true);
                }
            });
        } catch (RejectedExecutionException e) {
            // the loop is gone, and the connection with it
        }
    }

    /**
     * Closes the connection from any thread, failing every pending frame with {@code cause}.
     *
     * @param cause why
     */
    void shutdown(IOException cause) {
        try {
            loop.execute(() -> closeWith(cause, false));
        } catch (RejectedExecutionException e) {
            closeWith(cause, false);
        }
    }

    /**
     * Closes the connection; on the event loop. Frames written but not completed fail with
     * {@code cause}; frames still queued fail too, or, after an idle close, go to a new connection.
     *
     * @param cause why
     * @param idle  whether this is an idle close, which the remote did not cause
     */
    void closeWith(IOException cause, boolean idle) {
        if (state == CLOSED) {
            return;
        }
        boolean wasOpen = state == OPEN;
        state = CLOSED;
        failure = cause;
        idleClosed = idle;
        transport.forget(this, wasOpen);
        FrameWrite written;
        while ((written = inFlight.poll()) != null) {
            written.fail(cause);
        }
        drainScheduled.set(false);
        disposeQueued();
        Channel ch = channel;
        // A channel without an event loop is one whose creation or registration failed (no file descriptor
        // left, say): Netty's bootstrap released its socket already, and close() would throw.
        if (ch != null && ch.isRegistered()) {
            ch.close();
        }
    }

    private void disposeQueued() {
        boolean resend = idleClosed && key != null && !transport.isClosed();
        long bytes = 0;
        FrameWrite queued;
        while ((queued = queue.poll()) != null) {
            bytes += queued.size();
            if (resend) {
                transport.connectionTo(key).enqueue(queued);
            } else {
                queued.fail(failure);
            }
        }
        queuedBytes.addAndGet(-bytes);
    }

    private void failQueuedAfterLoopDied() {
        IOException cause = transport.isClosed() ? TcpTransport.closedException()
                : new IOException("the event loop group of the TCP transport was shut down; close the transport first");
        synchronized (this) { // the loop, the queue's consumer, is gone: callers take turns consuming
            FrameWrite queued;
            while ((queued = queue.poll()) != null) {
                queuedBytes.addAndGet(-queued.size());
                queued.fail(cause);
            }
        }
    }

    private String describe() {
        Channel ch = channel;
        return key != null ? key.toString() : ch != null ? String.valueOf(ch.remoteAddress()) : "?";
    }

    // ---- channel events ------------------------------------------------------------------------

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Activity is a whole frame received, not any byte: trickled bytes of an unfinished frame do not
        // hold the connection open.
        long frames = decoder == null ? 0 : decoder.delivered();
        if (frames != framesSeen) {
            framesSeen = frames;
            lastActivityNanos = System.nanoTime();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            run();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeWith(new IOException("connection to " + describe() + " was closed by the remote end"), false);
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            closeWith(new IOException("connection to " + describe() + " was closed by the remote end"), false);
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Frame connection to {} failed", describe(), cause);
        if (!(cause instanceof IOException)) {
            transport.failure("frame connection to " + describe() + " failed", cause);
        }
        closeWith(new IOException("connection to " + describe() + " failed: " + cause.getMessage(), cause), false);
    }
}
