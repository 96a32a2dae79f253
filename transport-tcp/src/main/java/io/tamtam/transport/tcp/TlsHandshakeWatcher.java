package io.tamtam.transport.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLException;

/**
 * Sits right behind an {@link io.netty.handler.ssl.SslHandler}: reports a failed handshake once (the
 * transports count it as {@link io.tamtam.DropReason#TLS_REFUSED}) and closes the connection, and keeps
 * the TLS exceptions that follow from reaching later handlers as failures. A handshake cut short by the
 * connection closing (the preface timeout, a remote gone without an alert) is not reported.
 */
public final class TlsHandshakeWatcher extends ChannelInboundHandlerAdapter {

    private final BiConsumer<InetSocketAddress, Throwable> onRefused;
    private boolean reported;

    /** @param onRefused told the remote address and the cause of a failed handshake; on the event loop */
    public TlsHandshakeWatcher(BiConsumer<InetSocketAddress, Throwable> onRefused) {
        this.onRefused = onRefused;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                refused(ctx, done.cause());
                return;
            }
            ctx.pipeline().remove(this);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (cause instanceof SSLException || cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            refused(ctx, cause);
            return;
        }
        super.exceptionCaught(ctx, cause);
    }

    private void refused(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.nio.channels.ClosedChannelException) {
            // The connection closed before the handshake ended (the preface timeout, or the remote went
            // away without an alert): whoever closed it counted it, it is no refused certificate.
            ctx.close();
            return;
        }
        if (!reported) {
            reported = true;
            onRefused.accept((InetSocketAddress) ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
