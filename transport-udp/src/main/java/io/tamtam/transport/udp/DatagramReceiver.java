package io.tamtam.transport.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.tamtam.DropReason;
import io.tamtam.spi.DatagramTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each inbound datagram to the listener as a view of Netty's buffer, then releases it. Datagrams
 * longer than the limit are counted, reported to the listener as {@link DropReason#OVERSIZED} and
 * dropped (the receive buffer is one byte larger than the limit, so an oversized datagram shows as
 * exactly that, never as a silently truncated one). Failures other than routine socket errors go to
 * {@link DatagramTransport.Listener#onFailure}. Tells the transport when the channel's writability
 * changes, so that it resumes draining its send queue.
 */
final class DatagramReceiver extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(DatagramReceiver.class);

    private final DatagramTransport.Listener listener;
    private final int maxDatagramSize;
    private final LongAdder droppedOversized;
    private final Consumer<Boolean> writability;

    DatagramReceiver(DatagramTransport.Listener listener, int maxDatagramSize, LongAdder droppedOversized,
                     Consumer<Boolean> writability) {
        this.listener = listener;
        this.maxDatagramSize = maxDatagramSize;
        this.droppedOversized = droppedOversized;
        this.writability = writability;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        writability.accept(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            ByteBuf content = packet.content();
            int length = content.readableBytes();
            if (length > maxDatagramSize) {
                droppedOversized.increment();
                LOG.debug("Dropped a datagram from {} longer than maxDatagramSize ({} bytes)",
                        packet.sender(), maxDatagramSize);
                listener.onDropped(packet.sender(), DropReason.OVERSIZED);
                return;
            }
            listener.onDatagram(packet.sender(), view(content, length));
        } catch (RuntimeException e) {
            LOG.warn("Datagram listener failed on a datagram from {}", packet.sender(), e);
            report("datagram listener failed on a datagram from " + packet.sender(), e);
        } finally {
            packet.release();
        }
    }

    private static ByteBuffer view(ByteBuf content, int length) {
        int index = content.readerIndex();
        return content.nioBufferCount() == 1
                ? content.internalNioBuffer(index, length)
                : content.nioBuffer(index, length);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors and failed sends land here; UDP is best effort, so the socket stays open. Those are
        // IOExceptions and routine; anything else (out of memory, a bug) is reported.
        LOG.debug("UDP socket {} reported an error", ctx.channel().localAddress(), cause);
        if (!(cause instanceof IOException)) {
            report("UDP socket " + ctx.channel().localAddress() + " failed", cause);
        }
    }

    private void report(String context, Throwable error) {
        try {
            listener.onFailure(context, error);
        } catch (RuntimeException e) {
            LOG.warn("Datagram listener failed on a failure report", e);
        }
    }
}
