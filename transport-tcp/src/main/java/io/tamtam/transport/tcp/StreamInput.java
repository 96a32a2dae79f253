package io.tamtam.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The reading side of a {@link TcpStreamChannel}: buffers the event loop's reads for a blocking reader.
 *
 * <p>Bounded: once {@link TcpTransport#STREAM_BUFFER_BYTES} bytes wait unread, the channel stops reading
 * from the socket (auto-read off), so TCP flow control pushes back on the writer; when the reader has
 * drained the buffer to half of that, reading resumes. (The socket read that crosses the bound may add
 * one read buffer, 1 MiB at most, beyond it.) The event loop only appends, and wakes the reader once
 * per read burst; it never waits for the reader.
 */
final class StreamInput extends InputStream {

    private final Channel channel;
    private final long bound;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuf> buffers = new ArrayDeque<>();
    private long buffered;
    private boolean paused;
    private boolean unsignalled;
    private boolean ended;
    private boolean closed;
    private IOException failure;

    StreamInput(Channel channel, long bound) {
        this.channel = channel;
        this.bound = bound;
    }

    /**
     * Appends bytes the socket delivered; on the event loop. Takes ownership of {@code buf}.
     *
     * @param buf the bytes
     */
    void received(ByteBuf buf) {
        lock.lock();
        try {
            if (closed || !buf.isReadable()) {
                buf.release();
                return;
            }
            buffers.add(buf);
            buffered += buf.readableBytes();
            if (!paused && buffered >= bound) {
                paused = true;
                channel.config().setAutoRead(false);
            }
            unsignalled = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The socket read burst is over: wakes the reader once for all of it rather than per buffer.
     * On the event loop.
     */
    void readComplete() {
        lock.lock();
        try {
            if (unsignalled) {
                unsignalled = false;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The remote half-closed: once drained, reads return -1. On the event loop. */
    void ended() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the remote's end of stream has arrived */
    boolean hasEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The connection failed: once drained, reads throw (unless the stream had already ended cleanly).
     *
     * @param cause why
     */
    void failed(IOException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        lock.lock();
        try {
            if (!awaitBytes()) {
                return -1;
            }
            ByteBuf head = buffers.peek();
            int value = head.readUnsignedByte();
            consumed(head, 1);
            return value;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            if (!awaitBytes()) {
                return -1;
            }
            int copied = 0;
            while (copied < len && !buffers.isEmpty()) {
                ByteBuf head = buffers.peek();
                int n = Math.min(len - copied, head.readableBytes());
                head.readBytes(b, off + copied, n);
                copied += n;
                consumed(head, n);
            }
            return copied;
        } finally {
            lock.unlock();
        }
    }

    /** @return true when bytes are buffered, false at end of stream; holds the lock */
    private boolean awaitBytes() throws IOException {
        while (buffers.isEmpty()) {
            if (closed) {
                throw new IOException("the stream is closed");
            }
            if (ended) {
                return false;
            }
            if (failure != null) {
                throw new IOException(failure.getMessage(), failure);
            }
            try {
                changed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for stream bytes");
            }
        }
        return true;
    }

    private void consumed(ByteBuf head, int n) {
        if (!head.isReadable()) {
            buffers.poll();
            head.release();
        }
        buffered -= n;
        if (paused && buffered <= bound / 2) {
            paused = false;
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(buffered, Integer.MAX_VALUE);
        } finally {
            lock.unlock();
        }
    }

    /** Discards buffered bytes; later reads throw. Does not close the connection (see the channel). */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            ByteBuf buf;
            while ((buf = buffers.poll()) != null) {
                buf.release();
            }
            buffered = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
