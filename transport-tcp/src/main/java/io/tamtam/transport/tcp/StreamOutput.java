package io.tamtam.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writing side of a {@link TcpStreamChannel}. Every {@code write} copies the bytes (in chunks of
 * {@value #CHUNK} bytes) and hands them to the event loop, flushed; {@link #flush()} has nothing left to
 * do. Wrap it in a {@link java.io.BufferedOutputStream} to coalesce small writes.
 *
 * <p>Bounded: a write blocks the calling thread while {@link TcpTransport#STREAM_BUFFER_BYTES} bytes or
 * more are written but not yet taken by the socket, so a slow reader bounds the writer's memory. A
 * blocked write fails with an {@link IOException} when the connection fails or the channel is closed,
 * and when the socket has taken nothing for {@code writeTimeout} (a remote that does not read): the
 * connection is then reset. {@link #close()} half-closes once every accepted byte is written: the remote
 * reads end of stream; if the socket takes nothing for {@code writeTimeout} before that, the connection
 * is reset instead.
 */
final class StreamOutput extends OutputStream {

    /** Bytes per write handed to the event loop. */
    static final int CHUNK = 256 * 1024;

    private final Channel channel;
    private final long bound;
    private final long writeTimeoutNanos;
    /** When the socket last took bytes of a write (part of one counts), or when the writes waiting began. */
    private volatile long lastProgressNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long outstanding;
    private boolean closed;
    private boolean halfClosed;
    private IOException failure;
    private ChannelFuture lastWrite;

    /**
     * @param channel           the connection
     * @param bound             most bytes written and not yet taken by the socket
     * @param writeTimeoutNanos how long the socket may take nothing while writes wait
     */
    StreamOutput(Channel channel, long bound, long writeTimeoutNanos) {
        this.channel = channel;
        this.bound = bound;
        this.writeTimeoutNanos = writeTimeoutNanos;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            int n = Math.min(len, CHUNK);
            reserve(n);
            ByteBuf chunk = channel.alloc().directBuffer(n).writeBytes(b, off, n);
            ChannelProgressivePromise promise = channel.newProgressivePromise();
            promise.addListener(new ChannelProgressiveFutureListener() {
                @Override
                public void operationProgressed(ChannelProgressiveFuture f, long progress, long total) {
                    lastProgressNanos = System.nanoTime(); // a slow reader that takes part of a chunk is no stall
                }

                @Override
                public void operationComplete(ChannelProgressiveFuture f) {
                    written(n, f);
                }
            });
            ChannelFuture write = channel.writeAndFlush(chunk, promise);
            lock.lock();
            try {
                lastWrite = write;
            } finally {
                lock.unlock();
            }
            off += n;
            len -= n;
        }
    }

    private void reserve(int n) throws IOException {
        lock.lock();
        try {
            while (true) {
                if (failure != null) {
                    throw new IOException(failure.getMessage(), failure);
                }
                if (closed) {
                    throw new IOException(halfClosed ? "the stream's output is closed" : "the stream is closed");
                }
                if (outstanding == 0 || outstanding + n <= bound) {
                    if (outstanding == 0) {
                        lastProgressNanos = System.nanoTime();
                    }
                    outstanding += n;
                    return;
                }
                long left = lastProgressNanos + writeTimeoutNanos - System.nanoTime();
                if (left <= 0) {
                    failure = new IOException("the stream to " + channel.remoteAddress() + " took nothing for "
                            + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(writeTimeoutNanos)
                            + " ms (writeTimeout): the remote is not reading; the connection was reset");
                    changed.signalAll();
                    reset();
                    throw failure;
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the stream to drain");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void written(int n, io.netty.util.concurrent.Future<? super Void> result) {
        lock.lock();
        try {
            long before = outstanding;
            outstanding -= n;
            lastProgressNanos = System.nanoTime();
            if (!result.isSuccess() && failure == null) {
                Throwable cause = result.cause();
                failure = cause instanceof IOException io ? io
                        : new IOException("stream write failed: " + cause.getMessage(), cause);
                changed.signalAll();
            } else if (before > bound / 2 && outstanding <= bound / 2) {
                changed.signalAll(); // wake a blocked writer once half the bound is free, not per chunk
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The connection failed; blocked and later writes throw. Any thread.
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

    /** Nothing to do: every write is already flushed. */
    @Override
    public void flush() {
        // Writes are flushed as they are made.
    }

    /** Half-closes: the remote reads end of stream after the bytes written so far. Idempotent. */
    @Override
    public void close() {
        ChannelFuture last;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            halfClosed = true;
            last = lastWrite;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        // Shutting the output down fails writes still queued, so it waits for the last one.
        afterLastWrite(last, () -> ((DuplexChannel) channel).shutdownOutput());
    }

    /**
     * Runs {@code then} once {@code last} is written; if the socket takes nothing for {@code writeTimeout}
     * before that (a remote that does not read), resets the connection instead. Any thread.
     *
     * @param last the last write, or {@code null}
     * @param then what follows it
     */
    void afterLastWrite(ChannelFuture last, Runnable then) {
        if (last == null || last.isDone()) {
            then.run();
            return;
        }
        last.addListener(done -> then.run());
        watch(last, writeTimeoutNanos);
    }

    private void watch(ChannelFuture last, long delayNanos) {
        channel.eventLoop().schedule(() -> {
            if (last.isDone() || !channel.isOpen()) {
                return;
            }
            long idle = System.nanoTime() - lastProgressNanos;
            if (idle >= writeTimeoutNanos) {
                reset();
            } else {
                watch(last, writeTimeoutNanos - idle);
            }
        }, delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Closes the connection with a reset (no graceful end): bytes not yet delivered are lost. Any thread. */
    void reset() {
        try {
            channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException alreadyClosed) {
            // nothing to reset
        }
        channel.close();
    }

    /**
     * Stops taking writes because the whole channel closes; blocked writers fail.
     *
     * @return the last write, or {@code null}, for a graceful close to wait on
     */
    ChannelFuture closeForChannel() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            return lastWrite;
        } finally {
            lock.unlock();
        }
    }

    /** @return whether {@link #close()} half-closed the output */
    boolean isHalfClosed() {
        lock.lock();
        try {
            return halfClosed;
        } finally {
            lock.unlock();
        }
    }
}
