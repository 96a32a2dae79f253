package io.tamtam.benchmarks.workloads;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline for W4 reliable: what a Netty engineer would write for "send N ordered frames and know
 * each was received". Frames carry a sequence number; the sender runs on its event loop, keeps at most
 * a window of unacknowledged frames, and writes a burst (one flush) whenever acknowledgements free
 * room; the receiver checks the order and, once per read batch, answers one cumulative ack carrying the
 * highest sequence number it has read.
 */
final class RawNettyAck implements AutoCloseable {
    private final RawNetty pair;
    private final AtomicLong outOfOrder = new AtomicLong();
    private volatile Run current;
    private int nextSeq;

    RawNettyAck() throws InterruptedException {
        pair = new RawNetty(Receiver::new, new AckHandler());
    }

    /** Reads frames in order and acknowledges each read batch once. */
    private final class Receiver extends SimpleChannelInboundHandler<ByteBuf> {
        private int expected;
        private boolean unacked;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            int seq = frame.getInt(frame.readerIndex() + 4);
            if (seq != expected) {
                outOfOrder.incrementAndGet();
            }
            expected = seq + 1;
            unacked = true;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (unacked) {
                unacked = false;
                ctx.writeAndFlush(ctx.alloc().ioBuffer(8).writeInt(4).writeInt(expected - 1), ctx.voidPromise());
            }
        }
    }

    /** Frees window room on each cumulative ack. */
    private final class AckHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf ack) {
            current.acked(ack.getInt(ack.readerIndex() + 4), ctx.channel());
        }
    }

    /** One run's state, touched only on the client's event loop. */
    private static final class Run {
        final int count;
        final int window;
        final byte[] body;
        final int firstSeq;
        final CompletableFuture<Long> done = new CompletableFuture<>();
        final long t0 = System.nanoTime();
        int sent;
        int acked;

        Run(int count, int window, byte[] body, int firstSeq) {
            this.count = count;
            this.window = window;
            this.body = body;
            this.firstSeq = firstSeq;
        }

        void pump(Channel ch) {
            int limit = Math.min(count, acked + window);
            if (sent >= limit) {
                return;
            }
            while (sent < limit) {
                ByteBuf frame = ch.alloc().ioBuffer(4 + body.length);
                frame.writeInt(body.length).writeBytes(body).setInt(4, firstSeq + sent);
                ch.write(frame, ch.voidPromise());
                sent++;
            }
            ch.flush();
        }

        void acked(int seq, Channel ch) {
            acked = seq - firstSeq + 1;
            if (acked >= count) {
                done.complete(System.nanoTime() - t0);
            } else {
                pump(ch);
            }
        }
    }

    /**
     * Sends frames and waits until all are acknowledged.
     *
     * @param count       how many frames
     * @param size        body bytes per frame (at least 4: the sequence number)
     * @param windowSize  most unacknowledged frames
     * @return elapsed nanoseconds
     * @throws InterruptedException when interrupted
     * @throws ExecutionException   when the run fails
     * @throws TimeoutException     when the frames are not all acknowledged within a minute
     */
    long run(int count, int size, int windowSize) throws InterruptedException, ExecutionException, TimeoutException {
        Channel ch = pair.client();
        Run run = new Run(count, windowSize, new byte[size], nextSeq);
        nextSeq += count;
        current = run;
        ch.eventLoop().execute(() -> run.pump(ch));
        long nanos = run.done.get(60, TimeUnit.SECONDS);
        if (outOfOrder.get() != 0) {
            throw new IllegalStateException(outOfOrder.get() + " frames arrived out of order");
        }
        return nanos;
    }

    @Override
    public void close() {
        pair.close();
    }
}
