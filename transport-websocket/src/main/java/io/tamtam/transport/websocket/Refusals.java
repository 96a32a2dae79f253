package io.tamtam.transport.websocket;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.tamtam.DropReason;
import java.net.InetSocketAddress;

/**
 * Counts every refused upgrade of an accepted connection and closes the connection once the refusal is
 * written: whichever handler answers with an HTTP error (Netty's protocol handler with 400, 403 or 426,
 * the request aggregator with 413, the transport with 404), the answer passes here on its way to the HTTP
 * encoder, right behind it. 413 and 431 count as {@link DropReason#OVERSIZED}, any other status from 400
 * up as {@link DropReason#MALFORMED}.
 */
final class Refusals extends ChannelOutboundHandlerAdapter {

    private final WebSocketTransport transport;

    Refusals(WebSocketTransport transport) {
        this.transport = transport;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof HttpResponse response) || response.status().code() < 400) {
            ctx.write(msg, promise);
            return;
        }
        int code = response.status().code();
        boolean oversized = code == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()
                || code == HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE.code();
        transport.drop((InetSocketAddress) ctx.channel().remoteAddress(),
                oversized ? DropReason.OVERSIZED : DropReason.MALFORMED);
        ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
    }
}
