package io.tamtam.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tamtam.DropReason;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every accepted connection: reads the {@link Preface}, hands the connection to the
 * transport as a frame connection or a stream, and removes itself (bytes after the preface go on to the
 * handlers the transport added). A connection that sends no preface within the preface timeout is
 * reported as {@link DropReason#SLOW_SENDER} and closed; a wrong preface is reported as a drop and closed.
 */
final class PrefaceDecoder extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(PrefaceDecoder.class);

    private final TcpTransport transport;
    private final long timeoutNanos;
    private ScheduledFuture<?> deadline;

    PrefaceDecoder(TcpTransport transport, long timeoutNanos) {
        this.transport = transport;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        deadline = ctx.executor().schedule(() -> {
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            LOG.debug("Closing {}: no connection preface within {} ms", remote,
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            if (!transport.isClosed()) {
                transport.drop(remote, DropReason.SLOW_SENDER);
            }
            ctx.close();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < Preface.LENGTH) {
            return;
        }
        cancelDeadline();
        int magic = in.readInt();
        int version = in.readUnsignedByte();
        int kind = in.readUnsignedByte();
        int listenPort = in.readUnsignedShort();
        DropReason refused = magic != Preface.MAGIC ? DropReason.BAD_MAGIC
                : version != Preface.VERSION ? DropReason.UNSUPPORTED_VERSION
                : kind != Preface.KIND_FRAMES && kind != Preface.KIND_STREAM ? DropReason.MALFORMED
                : null;
        if (refused != null) {
            in.skipBytes(in.readableBytes());
            transport.refuse(ctx.channel(), refused);
            return;
        }
        transport.accept(ctx.channel(), kind, listenPort);
        ctx.pipeline().remove(this);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Closing inbound connection {} before its preface", ctx.channel().remoteAddress(), cause);
        if (!(cause instanceof java.io.IOException)) {
            transport.failure("inbound connection " + ctx.channel().remoteAddress() + " failed before its preface",
                    cause);
        }
        ctx.close();
    }
}
