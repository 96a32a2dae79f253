package io.tamtam.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.CompletableFuture;

/**
 * One outbound frame: its encoded bytes (length prefix included) and the future
 * {@link TcpTransport#sendFrame} returned, in one object. When it ends a write batch it is also the
 * listener of that batch's write promise, so a frame costs no allocation beyond itself and its buffer.
 */
final class FrameWrite extends CompletableFuture<Void> implements ChannelFutureListener {

    private ByteBuf buffer;
    private final int size;
    private FrameConnection connection;

    FrameWrite(ByteBuf buffer) {
        this.buffer = buffer;
        this.size = buffer.readableBytes();
    }

    /** @return bytes on the wire, length prefix included */
    int size() {
        return size;
    }

    /** @param connection the connection this frame is queued on */
    void queuedOn(FrameConnection connection) {
        this.connection = connection;
    }

    /** @return the encoded frame, handed over to the channel, which releases it */
    ByteBuf takeBuffer() {
        ByteBuf taken = buffer;
        buffer = null;
        return taken;
    }

    /**
     * Fails the future and releases the bytes if they were never handed to a channel.
     *
     * @param cause why
     */
    void fail(Throwable cause) {
        ByteBuf left = buffer;
        buffer = null;
        if (left != null) {
            left.release();
        }
        completeExceptionally(cause);
    }

    /** Called by Netty when the write batch this frame ends has completed. */
    @Override
    public void operationComplete(ChannelFuture future) {
        connection.batchWritten(this, future);
    }
}
