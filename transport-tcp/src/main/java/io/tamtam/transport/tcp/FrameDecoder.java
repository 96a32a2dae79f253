package io.tamtam.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.tamtam.DropReason;
import io.tamtam.spi.StreamTransport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a frame connection's bytes at the 4-byte big-endian length prefixes and hands each frame to the
 * listener as a view of a receive buffer, valid during the call. Bounds what a connection can make the
 * node hold before the frame's content is checked (there is no authentication at this layer):
 * <ul>
 *   <li>A length over {@code maxFrameSize} is refused as soon as its prefix arrives, before anything is
 *       allocated for it: the listener hears {@link DropReason#OVERSIZED} and the connection is closed.</li>
 *   <li>A frame of at most {@value #LARGE_FRAME} bytes collects in a per-connection buffer.</li>
 *   <li>A larger frame reserves its length from the transport's {@link InboundBudget} when its prefix
 *       arrives and only then gets a buffer: the transport's {@link SpareFrameBuffer} when it holds one
 *       large enough for the frame, or for its first {@value #FULL_BUFFER_AFTER} bytes when it is longer
 *       (the buffer of an earlier large frame, kept after that frame was released; a frame that outgrows
 *       it moves to a buffer of its own), else a new one, which doubles as the frame's bytes arrive up to
 *       {@value #FULL_BUFFER_AFTER} bytes and then takes the frame's whole length at once (so a length
 *       prefix alone makes the node allocate a few KiB, whatever it claims, and a large frame is copied
 *       into a new buffer at most a few times, not once per doubling up to its length). Once the first
 *       {@value #FULL_BUFFER_AFTER} bytes of a longer frame are in, the listener may give an array for the
 *       frame's last bytes ({@link StreamTransport.Listener#largeFrameTail}): the head is then kept apart,
 *       the receive buffer goes back, and the rest arrives straight in that array. When the budget has no
 *       room the connection stops reading until it has; after waiting {@code receiveGrace} the connection is closed
 *       ({@link DropReason#OVER_BUDGET}). The reservation is given back when the frame was handed on or
 *       the connection died.</li>
 *   <li>A frame that has begun must keep up {@code minReceiveRate} bytes per second once it is
 *       {@code receiveGrace} old: by {@code grace + t} after it began (or got its budget), {@code rate × t}
 *       of its bytes must have arrived, else the connection is closed ({@link DropReason#SLOW_SENDER}).</li>
 * </ul>
 * Everything runs on the connection's event loop, except {@link #granted}.
 */
final class FrameDecoder extends ChannelInboundHandlerAdapter implements InboundBudget.Waiter {

    /** Frames larger than this are taken from the transport's inbound budget. */
    static final int LARGE_FRAME = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);
    private static final int PREFIX = 4;
    private static final long MAX_CHECK_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final TcpTransport transport;
    private final InboundBudget budget;
    private final SpareFrameBuffer spare;
    private final int maxFrameSize;
    private final double minBytesPerNano;
    private final long graceNanos;
    private final Runnable check = this::check;
    private ChannelHandlerContext ctx;
    private InetSocketAddress remote;
    /** Bytes received and not yet parsed: at most a small frame and one read, never a large frame's body. */
    private ByteBuf pending;
    /** The large frame being received, sized to its length; {@code null} when none. */
    private ByteBuf large;
    /** The buffer {@link #large} is, or is a slice of (the transport's spare buffer); given back after the frame. */
    private ByteBuf largeOwner;
    /** The current large frame's length. */
    private int largeSize;
    /** Whether the listener was asked for the current large frame's tail ({@link #split}). */
    private boolean tailAsked;
    /**
     * The current large frame's first bytes when it arrives in two parts ({@link #large} then wraps the
     * listener's array for the rest); null when it arrives whole.
     */
    private byte[] head;
    /** Bytes reserved from the budget for the current large frame. */
    private long reserved;
    /** Of {@link #reserved}: the spare's capacity beyond the frame's length, while the frame holds the spare. */
    private long lentExtra;
    /** Length of the large frame waiting for budget; 0 when not waiting. */
    private long waitingFor;
    private long waitSinceNanos;
    private long frameStartNanos;
    private long delivered;
    private boolean checkArmed;
    private boolean dead;

    /** A large frame's buffer starts this big (or as big as what has arrived) and doubles as bytes come. */
    private static final int FIRST_LARGE_BUFFER = 4096;
    /** Past this many bytes of a large frame, its buffer grows to the frame's length at once. */
    static final int FULL_BUFFER_AFTER = 1 << 20;

    FrameDecoder(TcpTransport transport) {
        this.transport = transport;
        this.budget = transport.inboundBudget();
        this.spare = transport.spareFrameBuffer();
        this.maxFrameSize = transport.maxFrameSize();
        this.minBytesPerNano = transport.minReceiveRate() / 1e9;
        this.graceNanos = transport.receiveGraceNanos();
    }

    /** @return frames handed on so far */
    long delivered() {
        return delivered;
    }

    /** @return whether part of a frame has arrived, or a frame waits for budget */
    boolean receiving() {
        return large != null || waitingFor != 0 || (pending != null && pending.isReadable());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in) || dead) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (remote == null) { // an outbound connection's decoder is added before it connects
            remote = (InetSocketAddress) ctx.channel().remoteAddress();
        }
        if (!receiving()) {
            frameStartNanos = System.nanoTime();
        }
        boolean handedOn = false;
        try {
            if (large != null) {
                receiveLarge(in, Math.min(in.readableBytes(), largeLeft()));
                if (largeLeft() == 0) {
                    deliverLarge();
                }
            }
            if (in.isReadable() && !dead) {
                append(in);
            } else {
                in.release();
            }
            handedOn = true;
        } finally {
            if (!handedOn) { // an Error (an allocation that failed): the pipeline closes the connection
                in.release();
            }
        }
        drain();
        if (receiving()) {
            armCheck();
        }
    }

    private void append(ByteBuf in) {
        if (pending == null) {
            pending = in;
            return;
        }
        int needed = pending.readableBytes() + in.readableBytes();
        if (pending.writableBytes() < in.readableBytes() || pending.refCnt() > 1 || pending.isReadOnly()) {
            // Grow by doubling (up to a small frame), so that a frame arriving byte by byte is not copied
            // once per byte.
            int capacity = Math.max(needed, Math.min(2 * pending.capacity(), LARGE_FRAME + PREFIX));
            ByteBuf bigger = ctx.alloc().buffer(capacity);
            bigger.writeBytes(pending);
            pending.release();
            pending = bigger;
        }
        pending.writeBytes(in);
        in.release();
    }

    /** Hands on every complete frame in {@link #pending} and starts the large frame that follows. */
    private void drain() {
        ByteBuf buf;
        while (!dead && large == null && waitingFor == 0 && (buf = pending) != null
                && buf.readableBytes() >= PREFIX) {
            int index = buf.readerIndex();
            long length = buf.getUnsignedInt(index);
            if (length > maxFrameSize) {
                refuse(length);
                return;
            }
            int size = (int) length;
            int body = buf.readableBytes() - PREFIX;
            if (size <= LARGE_FRAME) {
                if (body < size) {
                    break;
                }
                buf.readerIndex(index + PREFIX + size);
                deliver(buf, index + PREFIX, size);
                continue;
            }
            if (reserved == 0 && !budget.reserveOrWait(this, size)) {
                waitingFor = size;
                waitSinceNanos = System.nanoTime();
                ctx.channel().config().setAutoRead(false);
                LOG.debug("Frame of {} bytes from {} waits for inbound buffer budget", size, remote);
                break;
            }
            reserved = size;
            buf.skipBytes(PREFIX);
            startLarge(size, body);
            receiveLarge(buf, Math.min(body, size));
            if (largeLeft() == 0) {
                deliverLarge();
            }
        }
        buf = pending;
        if (buf != null) {
            if (!buf.isReadable()) {
                buf.release();
                pending = null;
            } else if (buf.readerIndex() > buf.capacity() / 2) {
                buf.discardReadBytes();
            }
        }
    }

    /**
     * Starts receiving a large frame whose budget is reserved: into the transport's spare buffer when it
     * has one large enough (left by an earlier frame; for a frame over {@link #FULL_BUFFER_AFTER}, large
     * enough for that many bytes), else into a new buffer that grows as bytes arrive.
     */
    private void startLarge(int size, int arrived) {
        largeSize = size;
        tailAsked = false;
        head = null;
        // A frame over FULL_BUFFER_AFTER bytes may arrive in two parts, and then needs a buffer for that
        // many of its bytes only (the spare a two-part frame leaves is that large); when it arrives whole
        // and outgrows the spare, it moves to a buffer of its own (appendLarge).
        ByteBuf kept = spare.take(Math.min(size, FULL_BUFFER_AFTER));
        long extra = kept == null ? 0 : (long) kept.capacity() - size;
        if (extra > 0 && !budget.tryReserve(extra)) {
            // The spare is outside the budget only while it is the spare: a frame that holds it also holds
            // its capacity beyond the frame's length, so that capacity is reserved too, or the frame gets a
            // buffer of its own (else small frames could each pin a spare of maxFrameSize bytes).
            spare.putBack(kept);
            kept = null;
        }
        if (kept != null) {
            lentExtra = Math.max(0, extra);
            reserved += lentExtra;
            largeOwner = kept;
            large = kept.slice(0, Math.min(size, kept.capacity())).clear();
        } else {
            large = ctx.alloc().heapBuffer(Math.min(size, Math.max(arrived, FIRST_LARGE_BUFFER)), size);
            largeOwner = large;
        }
    }

    /** @return bytes of the current large frame still to come */
    private int largeLeft() {
        return (head == null ? largeSize : largeSize - head.length) - large.writerIndex();
    }

    /** @param owner a large frame's buffer no longer used: kept as the transport's spare when it is large */
    private void giveBack(ByteBuf owner) {
        if (owner != null) {
            spare.give(owner, FULL_BUFFER_AFTER);
        }
    }

    /**
     * Copies {@code n} bytes of {@code from} into the large frame. A frame longer than
     * {@link #FULL_BUFFER_AFTER} is offered to the listener for receiving in two parts
     * ({@link #split}) once that many of its bytes are in: no earlier, so that a length prefix and a few
     * bytes never make the node allocate the frame's whole length.
     */
    private void receiveLarge(ByteBuf from, int n) {
        if (!tailAsked && largeSize > FULL_BUFFER_AFTER) {
            int first = Math.min(n, FULL_BUFFER_AFTER - large.writerIndex());
            appendLarge(from, first);
            n -= first;
            if (large.writerIndex() == FULL_BUFFER_AFTER) {
                split();
            }
        }
        if (n > 0) {
            appendLarge(from, n);
        }
    }

    /**
     * Asks the listener once for an array to receive the frame's last bytes into
     * ({@link StreamTransport.Listener#largeFrameTail}); when it gives one, keeps the frame's head apart,
     * moves what arrived past it into the array, gives the receive buffer back and goes on receiving into
     * the array.
     */
    private void split() {
        int arrived = large.writerIndex();
        tailAsked = true;
        byte[] tail;
        try {
            tail = transport.listener().largeFrameTail(remote, large.nioBuffer(0, arrived), largeSize);
        } catch (RuntimeException e) {
            LOG.debug("Frame listener failed on a frame's head from {}", remote, e);
            transport.failure("the frame listener failed on a frame's head from " + remote, e);
            return;
        }
        if (tail == null) {
            return;
        }
        int headSize = largeSize - tail.length;
        if (tail.length == 0 || headSize < 0 || headSize > arrived) {
            transport.failure("the frame listener's tail for a frame from " + remote + " does not fit",
                    new IllegalStateException("a tail of " + tail.length + " bytes for a frame of " + largeSize
                            + " bytes of which " + arrived + " arrived; the frame is received whole"));
            return;
        }
        byte[] first = new byte[headSize];
        large.getBytes(0, first);
        ByteBuf rest = Unpooled.wrappedBuffer(tail).clear();
        rest.writeBytes(large, headSize, arrived - headSize);
        giveBack(largeOwner);
        spareReturned();
        head = first;
        large = rest;
        largeOwner = null;
    }

    /** The frame gave the spare back and goes on: what was reserved for the spare's extra capacity is freed. */
    private void spareReturned() {
        if (lentExtra > 0) {
            budget.release(lentExtra);
            reserved -= lentExtra;
            lentExtra = 0;
        }
    }

    /**
     * Copies {@code n} bytes of {@code from} into the large frame's buffer, growing it by doubling while
     * it is below {@link #FULL_BUFFER_AFTER} and to the frame's whole length (reserved from the budget)
     * beyond: each growth copies what has arrived, and a buffer of megabytes is a humongous allocation.
     */
    private void appendLarge(ByteBuf from, int n) {
        ByteBuf to = large;
        int needed = to.writerIndex() + n;
        if (needed > to.capacity()) {
            int capacity = needed > FULL_BUFFER_AFTER ? largeSize : Math.min(largeSize, Math.max(needed, 2 * to.capacity()));
            if (to == largeOwner) {
                to.capacity(capacity);
            } else { // a slice of the spare, smaller than the frame: on to a buffer of the frame's own
                ByteBuf own = ctx.alloc().heapBuffer(capacity, largeSize);
                own.writeBytes(to, 0, to.writerIndex());
                giveBack(largeOwner);
                spareReturned();
                large = own;
                largeOwner = own;
                to = own;
            }
        }
        to.writeBytes(from, n);
    }

    /**
     * Hands a large frame to the listener, which may keep its buffer (to decode it off the event loop
     * without copying it) until it releases it; the frame's budget reservation lasts until then, and the
     * buffer is then kept for the next large frame if none is.
     */
    private void deliverLarge() {
        ByteBuf frame = large;
        ByteBuf owner = largeOwner;
        byte[] first = head;
        large = null;
        largeOwner = null;
        head = null;
        long bytes = reserved;
        reserved = 0;
        lentExtra = 0;
        delivered++;
        frameStartNanos = System.nanoTime();
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                giveBack(owner);
                budget.release(bytes);
            }
        };
        try {
            if (first != null) {
                transport.listener().onLargeFrame(remote, ByteBuffer.wrap(first), frame.array(), release);
            } else {
                transport.listener().onLargeFrame(remote, frame.nioBuffer(0, frame.writerIndex()), release);
            }
        } catch (RuntimeException e) {
            release.run();
            LOG.debug("Frame listener failed on a frame from {}", remote, e);
            transport.failure("the frame listener failed on a frame from " + remote, e);
        } catch (Error e) { // the reservation and the buffer are not lost; the pipeline closes the connection
            release.run();
            throw e;
        }
    }

    private void deliver(ByteBuf buf, int start, int size) {
        delivered++;
        frameStartNanos = System.nanoTime();
        ByteBuffer frame = buf.nioBufferCount() == 1 ? buf.internalNioBuffer(start, size) : buf.nioBuffer(start, size);
        try {
            transport.listener().onFrame(remote, frame);
        } catch (RuntimeException e) {
            LOG.debug("Frame listener failed on a frame from {}", remote, e);
            transport.failure("the frame listener failed on a frame from " + remote, e);
        }
    }

    @Override
    public void granted(long bytes) {
        try {
            ctx.executor().execute(() -> onGranted(bytes));
        } catch (RejectedExecutionException e) {
            budget.release(bytes);
        }
    }

    private void onGranted(long bytes) {
        if (dead || waitingFor != bytes) {
            budget.release(bytes);
            return;
        }
        waitingFor = 0;
        reserved = bytes;
        frameStartNanos = System.nanoTime();
        try {
            drain();
            ctx.channel().config().setAutoRead(true);
            if (receiving()) {
                armCheck();
            }
        } catch (Throwable e) {
            ctx.fireExceptionCaught(e);
        }
    }

    // ---- limits --------------------------------------------------------------------------------

    private void armCheck() {
        if (!checkArmed && !dead) {
            checkArmed = true;
            ctx.executor().schedule(check, Math.max(1_000_000, Math.min(graceNanos, MAX_CHECK_PERIOD_NANOS) / 2),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        checkArmed = false;
        if (dead || !receiving()) {
            return;
        }
        long now = System.nanoTime();
        if (waitingFor != 0) {
            if (now - waitSinceNanos >= graceNanos) {
                cut(DropReason.OVER_BUDGET, "a frame of " + waitingFor + " bytes waited "
                        + TimeUnit.NANOSECONDS.toMillis(now - waitSinceNanos) + " ms for inbound buffer budget");
                return;
            }
        } else {
            long late = now - frameStartNanos - graceNanos;
            long arrived = large != null ? PREFIX + largeSize - largeLeft() : pending.readableBytes();
            if (late > 0 && arrived < minBytesPerNano * late) {
                cut(DropReason.SLOW_SENDER, "only " + arrived + " bytes of a frame arrived in "
                        + TimeUnit.NANOSECONDS.toMillis(now - frameStartNanos) + " ms, below the minimum receive rate");
                return;
            }
        }
        armCheck();
    }

    private void cut(DropReason reason, String why) {
        LOG.debug("Closing frame connection from {}: {}", remote, why);
        transport.drop(remote, reason);
        release();
        ctx.close();
    }

    private void refuse(long length) {
        LOG.debug("Closing frame connection from {}: frame of {} bytes exceeds maxFrameSize of {} bytes",
                remote, length, maxFrameSize);
        transport.drop(remote, DropReason.OVERSIZED);
        release();
        ctx.close();
    }

    // ---- the end -------------------------------------------------------------------------------

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    /** Drops what the connection holds and gives its budget back; idempotent. */
    private void release() {
        if (dead) {
            return;
        }
        dead = true;
        if (waitingFor != 0) {
            budget.cancel(this); // when the grant is already on its way, onGranted gives it back
            waitingFor = 0;
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (large != null) {
            giveBack(largeOwner);
            large = null;
            largeOwner = null;
            head = null;
        }
        long bytes = reserved;
        reserved = 0;
        lentExtra = 0;
        budget.release(bytes);
    }
}
