package io.tamtam.benchmarks.workloads;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A loopback pair of plain Netty channels for the raw baselines: native epoll when it loads (as TamTam's
 * TCP transport), NIO otherwise; TCP_NODELAY; frames are a 4-byte length and a body, and each side's
 * pipeline is a {@link LengthFieldBasedFrameDecoder} (length kept in the frame) and the given handler.
 */
final class RawNetty implements AutoCloseable {
    /** The transport in use, for the JSON lines. */
    static final String TRANSPORT = Epoll.isAvailable() ? "epoll" : "nio";

    private final EventLoopGroup group = Epoll.isAvailable() ? new EpollEventLoopGroup(2) : new NioEventLoopGroup(2);
    private final Channel server;
    private final Channel client;

    /**
     * @param serverHandler makes the handler of each accepted channel
     * @param clientHandler the handler of the connecting channel
     * @throws InterruptedException when interrupted while binding or connecting
     */
    RawNetty(Supplier<ChannelHandler> serverHandler, ChannelHandler clientHandler) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        server = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer(serverHandler))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        client = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(initializer(() -> clientHandler))
                .connect(server.localAddress()).sync().channel();
    }

    private static ChannelInitializer<Channel> initializer(Supplier<ChannelHandler> handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 0), handler.get());
            }
        };
    }

    /** @return the connecting channel */
    Channel client() {
        return client;
    }

    @Override
    public void close() {
        client.close().syncUninterruptibly();
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
