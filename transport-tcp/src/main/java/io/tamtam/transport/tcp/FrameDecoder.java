package io.tamtam.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tamtam.DropReason;
import io.tamtam.spi.StreamTransport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a frame connection's bytes at the 4-byte big-endian length prefixes and hands each frame to the
 * listener as a view of the receive buffer, without copying or allocating per frame. A length over the
 * limit is refused as soon as its prefix arrives, before anything is allocated for it: the listener hears
 * {@link DropReason#OVERSIZED} and the connection is closed. Room for a large frame is reserved only after
 * a quarter of it has arrived.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);
    private static final int PREFIX = 4;
    /** Frames larger than this get their whole size reserved as soon as the length is read. */
    private static final int LARGE_FRAME = 256 * 1024;

    private final StreamTransport.Listener listener;
    private final int maxFrameSize;
    private InetSocketAddress remote;
    private boolean refused;

    FrameDecoder(StreamTransport.Listener listener, int maxFrameSize) {
        this.listener = listener;
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (remote == null) {
            remote = (InetSocketAddress) ctx.channel().remoteAddress();
        }
        int readable;
        while ((readable = in.readableBytes()) >= PREFIX) {
            int index = in.readerIndex();
            long length = in.getUnsignedInt(index);
            if (length > maxFrameSize) {
                refuse(ctx, in, length);
                return;
            }
            if (readable - PREFIX < length) {
                // A large frame: make room for all of it once, instead of the cumulation growing (and
                // copying what it holds) read after read. Only once a quarter of it has arrived, so that a
                // length prefix alone never makes the node allocate more than four times what the peer
                // sent; and only in a buffer that can grow (the cumulation may be a read buffer of fixed
                // capacity, which the cumulator replaces when it must).
                int missing = (int) length + PREFIX - readable;
                if (length > LARGE_FRAME && readable - PREFIX >= length / 4 && in.writableBytes() < missing
                        && in.maxWritableBytes() >= missing) {
                    in.ensureWritable(missing);
                }
                return;
            }
            int start = index + PREFIX;
            int size = (int) length;
            in.readerIndex(start + size);
            ByteBuffer frame = in.nioBufferCount() == 1
                    ? in.internalNioBuffer(start, size)
                    : in.nioBuffer(start, size);
            try {
                listener.onFrame(remote, frame);
            } catch (RuntimeException e) {
                LOG.warn("Frame listener failed on a frame from {}", remote, e);
            }
        }
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in, long length) {
        refused = true;
        in.skipBytes(in.readableBytes());
        LOG.debug("Closing connection from {}: frame of {} bytes exceeds maxFrameSize of {} bytes",
                remote, length, maxFrameSize);
        try {
            listener.onDropped(remote, DropReason.OVERSIZED);
        } catch (RuntimeException e) {
            LOG.warn("Frame listener failed on a drop from {}", remote, e);
        }
        ctx.close();
    }
}
