package io.tamtam.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.RejectedExecutionException;

/**
 * Bounds what a stream connection reads ahead of its reader. It sits right behind the WebSocket frame
 * decoder, in front of the protocol handler and of the aggregator, which ask for a read whenever auto-read
 * is off and a message is unfinished; while the stream is {@link #pause paused} those reads are held back,
 * so nothing beyond the stream's buffer, one unfinished message and one socket read is taken in. A ping is
 * not answered while the connection cannot write (the rule of {@link InboundMeter}).
 * {@link #pause} runs on the event loop; {@link #resume} on any thread.
 */
final class StreamGate extends ChannelDuplexHandler {

    private ChannelHandlerContext ctx;
    private boolean paused;
    private boolean readHeld;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (unanswerablePing(msg, ctx.channel())) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (paused) {
            readHeld = true;
        } else {
            ctx.read();
        }
    }

    /** Stops reading until {@link #resume}; on the event loop. */
    void pause() {
        paused = true;
        ctx.channel().config().setAutoRead(false);
    }

    /** Reads again; from any thread. */
    void resume() {
        try {
            ctx.executor().execute(() -> {
                paused = false;
                ctx.channel().config().setAutoRead(true);
                if (readHeld) {
                    readHeld = false;
                    ctx.read();
                }
            });
        } catch (RejectedExecutionException e) {
            // the event loop is gone, and the connection with it
        }
    }

    /**
     * @param msg     a message read
     * @param channel its connection
     * @return whether it is a ping to leave unanswered: the connection cannot write now, and RFC 6455 lets
     *         an endpoint answer only the latest ping, so a peer that sends pings and reads nothing cannot
     *         make the node queue pongs
     */
    static boolean unanswerablePing(Object msg, Channel channel) {
        return msg instanceof PingWebSocketFrame && !channel.isWritable();
    }
}
