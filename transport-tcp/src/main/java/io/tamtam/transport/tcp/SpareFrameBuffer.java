package io.tamtam.transport.tcp;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One receive buffer of a large frame kept for the next large frame of the transport, so that a
 * connection receiving frames of megabytes one after the other does not allocate (and the JVM zero) a
 * buffer of the frame's length for each. Holds at most one buffer of at most {@code maxFrameSize} bytes,
 * the largest given back; the buffer is in use by one frame at a time. Only the buffer kept here is
 * outside the transport's inbound budget: a frame that takes it reserves the buffer's capacity beyond the
 * frame's length as well, or puts it back ({@link FrameDecoder}). Thread-safe.
 */
final class SpareFrameBuffer {

    private final AtomicReference<ByteBuf> spare = new AtomicReference<>();
    private final AtomicLong reuses = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param size the frame's length
     * @return a buffer of at least {@code size} bytes of capacity, emptied, now owned by the caller; or
     *         {@code null} when none is kept or the one kept is too small (it is then released)
     */
    ByteBuf take(int size) {
        ByteBuf buf = spare.getAndSet(null);
        if (buf == null) {
            return null;
        }
        if (buf.capacity() < size) {
            buf.release();
            return null;
        }
        reuses.incrementAndGet();
        return buf.clear();
    }

    /**
     * Gives back a buffer {@link #take} returned and the frame did not use; not counted as a reuse.
     *
     * @param buf the buffer
     */
    void putBack(ByteBuf buf) {
        reuses.decrementAndGet();
        give(buf, 0);
    }

    /** @return how many times a kept buffer was taken for a frame */
    long reuses() {
        return reuses.get();
    }

    /**
     * Keeps a buffer the caller owns and no longer uses in place of a smaller one kept (which is
     * released), or releases it when one at least as large is kept already, it is smaller than
     * {@code minKept} or the transport is closed.
     *
     * @param buf     the buffer
     * @param minKept smaller buffers are not worth keeping
     */
    void give(ByteBuf buf, int minKept) {
        if (closed || buf.capacity() < minKept || buf.refCnt() != 1) {
            buf.release();
            return;
        }
        while (true) {
            ByteBuf kept = spare.get();
            if (kept != null && kept.capacity() >= buf.capacity()) {
                buf.release();
                return;
            }
            if (spare.compareAndSet(kept, buf)) {
                if (kept != null) {
                    kept.release();
                }
                break;
            }
        }
        if (closed) { // close ran between the check and the set
            release();
        }
    }

    /** Releases the buffer kept, and every buffer given from now on. */
    void close() {
        closed = true;
        release();
    }

    private void release() {
        ByteBuf buf = spare.getAndSet(null);
        if (buf != null) {
            buf.release();
        }
    }
}
