package io.tamtam.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.tamtam.DropReason;
import io.tamtam.spi.StreamTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an accepted connection: after the upgrade, hands binary messages of a
 * {@link WebSocketTransport#FRAMES} connection to the listener, or turns a {@link WebSocketTransport#STREAM}
 * connection into a stream; refuses other paths and counts refused input. An accepted frame connection
 * that reads nothing for twice {@code idleTimeout} is closed.
 */
final class InboundHandler extends ChannelInboundHandlerAdapter {

    private static final String IDLE = "tamtam-idle";
    private static final Logger LOG = LoggerFactory.getLogger(InboundHandler.class);

    private final WebSocketTransport transport;
    private boolean upgraded;
    private boolean timedOut;
    private java.util.concurrent.ScheduledFuture<?> deadline;

    InboundHandler(WebSocketTransport transport) {
        this.transport = transport;
    }

    /**
     * Starts the upgrade's deadline, {@code prefaceTimeout} from the connection's start: Netty's own
     * handshake timeout starts only once a whole upgrade request for the path has arrived, so a connection
     * that sends nothing, or half a request, would otherwise hold its inbound slot for ever.
     */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            if (!upgraded && ctx.channel().isActive()) {
                if (!timedOut()) {
                    transport.drop(remote(ctx), DropReason.SLOW_SENDER);
                }
                ctx.close();
            }
        }, transport.options().prefaceTimeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    /** @return whether the upgrade's timeout was already counted (this call counts it) */
    private boolean timedOut() {
        boolean before = timedOut;
        timedOut = true;
        return before;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
            upgraded = true;
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (ctx.pipeline().get(Refusals.class) != null) {
                ctx.pipeline().remove(Refusals.class);
            }
            if (WebSocketTransport.STREAM.equals(done.selectedSubprotocol())) {
                InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
                WsStreamChannel.Handler stream = new WsStreamChannel.Handler(transport, remote, null);
                transport.streamPipeline(ctx.pipeline());
                ctx.pipeline().replace(this, "stream", stream);
                stream.accepted(ctx.channel());
            } else {
                // The connecting side closes its idle connection after idleTimeout; this is the backstop for
                // one that never does (its host gone without a reset, or a peer that keeps slots).
                ctx.pipeline().addFirst(IDLE, new IdleStateHandler(
                        2 * transport.options().idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
            }
            return;
        }
        if (evt instanceof IdleStateEvent) {
            LOG.debug("Closing WebSocket frame connection from {}: nothing read for twice the idle timeout", remote(ctx));
            ctx.close();
            return;
        }
        if (evt == WebSocketServerProtocolHandler.ServerHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            if (!timedOut()) {
                transport.drop(remote(ctx), DropReason.SLOW_SENDER);
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof BinaryWebSocketFrame frame && upgraded) {
                StreamTransport.Listener listener = transport.listener();
                ByteBuf content = frame.content();
                if (listener != null && !transport.isClosed()) {
                    try {
                        listener.onFrame(remote(ctx), content.nioBuffer());
                    } catch (RuntimeException e) {
                        transport.failure("the frame listener failed on a frame from " + remote(ctx), e);
                    }
                }
            } else if (msg instanceof FullHttpRequest) {
                // Not the WebSocket path (the protocol handler passes those on); Refusals counts the answer.
                DefaultFullHttpResponse notFound = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.NOT_FOUND);
                notFound.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                notFound.headers().set(HttpHeaderNames.CONNECTION, "close");
                ctx.writeAndFlush(notFound).addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        try {
            DropReason reason = refusal(cause);
            if (reason != null) {
                transport.drop(remote(ctx), reason);
            } else if (!(cause instanceof IOException)) {
                transport.failure("WebSocket connection from " + remote(ctx) + " failed", cause);
            }
        } finally {
            close(ctx, cause);
        }
    }

    /**
     * Closes a connection after {@code cause}: a message that grew over its limit in fragments (the
     * aggregator's refusal) with status 1009, as the frame decoder does for a single frame over it.
     *
     * @param ctx   a context behind the WebSocket protocol handler
     * @param cause why
     */
    static void close(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException && ctx.channel().isActive()) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG));
        }
        ctx.close();
    }

    /**
     * @param cause an exception from the WebSocket codec
     * @return the drop it stands for, or {@code null} when it is not refused input
     */
    static DropReason refusal(Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            return DropReason.OVERSIZED;
        }
        if (cause instanceof CorruptedWebSocketFrameException corrupt) {
            return corrupt.closeStatus() != null
                    && corrupt.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()
                    ? DropReason.OVERSIZED : DropReason.MALFORMED;
        }
        if (cause instanceof io.netty.handler.codec.http.websocketx.WebSocketHandshakeException) {
            return DropReason.MALFORMED;
        }
        return null;
    }

    private static InetSocketAddress remote(ChannelHandlerContext ctx) {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }
}
