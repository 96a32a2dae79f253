package io.tamtam.benchmarks.workloads;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

import java.net.InetSocketAddress;
import java.util.concurrent.Semaphore;

/**
 * The baseline for W4: a plain Netty TCP pipeline (4-byte length prefix) over loopback where the
 * receiver answers every frame with a 4-byte ack frame, and the sender keeps a bounded window of
 * unacknowledged frames.
 */
final class RawNettyAck implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final Channel server;
    private final Channel client;
    private volatile Semaphore window = new Semaphore(0);

    RawNettyAck() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4),
                                new LengthFieldPrepender(4),
                                new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                                        ctx.write(ctx.alloc().buffer(4).writeInt(frame.getInt(frame.readerIndex())));
                                    }

                                    @Override
                                    public void channelReadComplete(ChannelHandlerContext ctx) {
                                        ctx.flush();
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4),
                                new LengthFieldPrepender(4),
                                new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf ack) {
                                        window.release();
                                    }
                                });
                    }
                })
                .connect(server.localAddress()).sync().channel();
    }

    /**
     * Sends frames and waits until all are acknowledged.
     *
     * @param count       how many frames
     * @param size        bytes per frame
     * @param windowSize  most unacknowledged frames
     * @return elapsed nanoseconds
     * @throws InterruptedException when interrupted
     */
    long run(int count, int size, int windowSize) throws InterruptedException {
        Semaphore w = new Semaphore(windowSize);
        window = w;
        byte[] body = new byte[size];
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            w.acquire();
            ByteBuf buf = Unpooled.wrappedBuffer(body).copy();
            buf.setInt(0, i);
            client.writeAndFlush(buf);
        }
        w.acquire(windowSize);
        return System.nanoTime() - t0;
    }

    @Override
    public void close() {
        client.close().syncUninterruptibly();
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
