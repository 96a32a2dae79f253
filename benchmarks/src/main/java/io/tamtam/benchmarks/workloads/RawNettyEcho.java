package io.tamtam.benchmarks.workloads;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The baseline for W4 request/reply: a Netty echo server. The caller's thread writes and flushes one
 * request frame carrying a correlation number and waits for the reply frame with that number, as an
 * application thread waits on a TamTam request; the server echoes each frame back without copying and
 * flushes once per read batch.
 */
final class RawNettyEcho implements AutoCloseable {
    private final RawNetty pair;
    private volatile CompletableFuture<Integer> pending;

    RawNettyEcho() throws InterruptedException {
        pair = new RawNetty(Echo::new, new Replies());
    }

    private static final class Echo extends SimpleChannelInboundHandler<ByteBuf> {
        Echo() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            ctx.write(frame, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    private final class Replies extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf reply) {
            pending.complete(reply.getInt(reply.readerIndex() + 4));
        }
    }

    /**
     * Sends one request and waits for its reply.
     *
     * @param id   correlation number
     * @param body request body (at least 4 bytes; the first 4 are replaced by the id)
     * @return the round trip in nanoseconds
     * @throws InterruptedException when interrupted
     * @throws ExecutionException   when the channel fails
     * @throws TimeoutException     when no reply comes within 10 s
     */
    long roundTrip(int id, byte[] body) throws InterruptedException, ExecutionException, TimeoutException {
        Channel ch = pair.client();
        CompletableFuture<Integer> f = new CompletableFuture<>();
        pending = f;
        long t0 = System.nanoTime();
        ByteBuf frame = ch.alloc().ioBuffer(4 + body.length);
        frame.writeInt(body.length).writeBytes(body).setInt(4, id);
        ch.writeAndFlush(frame, ch.voidPromise());
        int got = f.get(10, TimeUnit.SECONDS);
        long nanos = System.nanoTime() - t0;
        if (got != id) {
            throw new IllegalStateException("echo answered " + got + " to request " + id);
        }
        return nanos;
    }

    @Override
    public void close() {
        pair.close();
    }
}
