package io.tamtam.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Feeds a stream connection's events to its {@link TcpStreamChannel}; on the event loop, never blocking. */
final class StreamHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(StreamHandler.class);

    private final TcpTransport transport;
    private final TcpStreamChannel stream;

    StreamHandler(TcpTransport transport, TcpStreamChannel stream) {
        this.transport = transport;
        this.stream = stream;
    }

    /** @return the stream this handler feeds */
    TcpStreamChannel stream() {
        return stream;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        transport.streamOpened(stream);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            stream.input().received(buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        stream.input().readComplete();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            stream.input().ended();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(transport.isClosed() ? TcpTransport.closedException()
                : new IOException("the stream connection to " + stream.remoteAddress() + " was closed"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Stream connection to {} failed", stream.remoteAddress(), cause);
        if (!(cause instanceof IOException)) {
            transport.failure("stream connection to " + stream.remoteAddress() + " failed", cause);
        }
        fail(new IOException("the stream connection to " + stream.remoteAddress() + " failed: "
                + cause.getMessage(), cause));
        ctx.close();
    }

    /** Output first: a reader woken by the failure must find writes failing too. */
    private void fail(IOException cause) {
        stream.output().failed(cause);
        stream.input().failed(cause);
    }
}
