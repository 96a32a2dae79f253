package io.tamtam.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.tamtam.spi.StreamChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A dedicated WebSocket connection seen as a pair of blocking java.io streams. Each direction holds at
 * most {@link WebSocketTransport#STREAM_BUFFER_BYTES} in the transport: the reader's connection stops
 * reading beyond that (its {@link StreamGate} holds back every read until the reader has taken half), and the writer blocks while the channel is not writable. Closing the output sends
 * a text message {@code "eof"}, which the remote reads as end of stream; {@link #close()} closes the
 * connection (gracefully, with a WebSocket close, when either direction had ended; at once otherwise, so
 * a blocked read or write on either side fails).
 */
final class WsStreamChannel implements StreamChannel {

    static final String EOF = "eof";
    private static final int CHUNK = 64 << 10;

    private final Channel channel;
    private final StreamGate gate;
    private final InetSocketAddress remote;
    private final int chunk;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuf> received = new ArrayDeque<>();
    private final Input input = new Input();
    private final Output output = new Output();
    private long buffered;
    private boolean paused;
    private boolean ended;
    private boolean outputClosed;
    private boolean closed;
    private IOException failure;
    private ChannelFuture lastWrite;

    /**
     * @param channel  the upgraded connection, with a {@link StreamGate}
     * @param remote   the remote end
     * @param maxChunk the largest binary message to send: 64 KiB, or less when the frame limit is smaller
     */
    WsStreamChannel(Channel channel, InetSocketAddress remote, int maxChunk) {
        this.chunk = Math.min(CHUNK, maxChunk);
        this.channel = channel;
        this.gate = Objects.requireNonNull(channel.pipeline().get(StreamGate.class), "the stream's read gate");
        this.remote = remote;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InputStream inputStream() {
        return input;
    }

    @Override
    public OutputStream outputStream() {
        return output;
    }

    @Override
    public void close() {
        boolean graceful;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            graceful = outputClosed || ended;
            releaseReceived();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (graceful) {
            channel.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    private void releaseReceived() {
        ByteBuf b;
        while ((b = received.poll()) != null) {
            b.release();
        }
        buffered = 0;
    }

    // ---- event loop side -------------------------------------------------------------------------

    private void onBytes(ByteBuf bytes) {
        lock.lock();
        try {
            if (closed || ended) {
                bytes.release();
                return;
            }
            received.add(bytes);
            buffered += bytes.readableBytes();
            if (buffered >= WebSocketTransport.STREAM_BUFFER_BYTES && !paused) {
                paused = true;
                gate.pause();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void onEnd() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void onFailure(IOException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void onWritable() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the blocking streams ----------------------------------------------------------------------

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            lock.lock();
            try {
                while (received.isEmpty()) {
                    if (closed) {
                        throw new IOException("stream closed");
                    }
                    if (ended) {
                        return -1;
                    }
                    if (failure != null) {
                        throw failure;
                    }
                    awaitChange();
                }
                int n = 0;
                while (n < len && !received.isEmpty()) {
                    ByteBuf head = received.peek();
                    int take = Math.min(len - n, head.readableBytes());
                    head.readBytes(b, off + n, take);
                    n += take;
                    if (!head.isReadable()) {
                        received.poll().release();
                    }
                }
                buffered -= n;
                if (buffered < WebSocketTransport.STREAM_BUFFER_BYTES / 2 && paused) {
                    paused = false;
                    gate.resume();
                }
                return n;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return (int) Math.min(Integer.MAX_VALUE, buffered);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                releaseReceived();
                ended = true;
                if (paused) {
                    paused = false; // what still comes is dropped as it arrives
                    gate.resume();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            int done = 0;
            while (done < len) {
                int n = Math.min(chunk, len - done);
                lock.lock();
                try {
                    while (true) {
                        if (closed || outputClosed) {
                            throw new IOException("stream closed");
                        }
                        if (failure != null) {
                            throw failure;
                        }
                        if (channel.isWritable()) {
                            break;
                        }
                        awaitChange();
                    }
                    lastWrite = channel.writeAndFlush(new BinaryWebSocketFrame(
                            Unpooled.copiedBuffer(b, off + done, n)));
                } finally {
                    lock.unlock();
                }
                done += n;
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed || outputClosed) {
                    return;
                }
                outputClosed = true;
                lastWrite = channel.writeAndFlush(new TextWebSocketFrame(EOF));
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void awaitChange() throws InterruptedIOException {
        try {
            // Bounded waits: writability can flip between the check and the wait.
            changed.await(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on the stream");
        }
    }

    @Override
    public String toString() {
        return "WsStreamChannel[" + channel.localAddress() + " -> " + remote + "]";
    }

    /** Feeds a stream connection's events to its {@link WsStreamChannel}. */
    static final class Handler extends ChannelInboundHandlerAdapter {
        private final WebSocketTransport transport;
        private final InetSocketAddress remote;
        private final CompletableFuture<io.tamtam.spi.StreamChannel> opening;
        private WsStreamChannel stream;

        /**
         * @param transport the owner
         * @param remote    the remote end
         * @param opening   completed with the stream after the upgrade, for a stream this node opens; or
         *                  {@code null} for an accepted one
         */
        Handler(WebSocketTransport transport, InetSocketAddress remote,
                CompletableFuture<io.tamtam.spi.StreamChannel> opening) {
            this.transport = transport;
            this.remote = remote;
            this.opening = opening;
        }

        /** An accepted stream whose upgrade completed: hand it to the listener. */
        void accepted(Channel ch) {
            stream = new WsStreamChannel(ch, remote, transport.maxFrameSize());
            if (transport.isClosed()) {
                stream.close();
                return;
            }
            try {
                transport.listener().onStream(stream);
            } catch (RuntimeException e) {
                transport.failure("the stream listener failed on a stream from " + remote + "; the stream was closed", e);
                stream.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE && opening != null) {
                stream = new WsStreamChannel(ctx.channel(), remote, transport.maxFrameSize());
                if (!opening.complete(stream) || transport.isClosed()) {
                    stream.close();
                }
                return;
            }
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT && opening != null) {
                opening.completeExceptionally(new IOException("the WebSocket upgrade to " + transport.uri(remote)
                        + " timed out"));
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (stream == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof BinaryWebSocketFrame frame) {
                stream.onBytes(frame.content());
            } else {
                if (msg instanceof TextWebSocketFrame text && EOF.equals(text.text())) {
                    stream.onEnd();
                }
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (stream != null) {
                stream.onWritable();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IOException cause = transport.isClosed() ? WebSocketTransport.closedException()
                    : new IOException("the stream connection to " + remote + " was closed");
            if (stream != null) {
                stream.onFailure(cause);
            } else if (opening != null) {
                opening.completeExceptionally(cause);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            io.tamtam.DropReason refused = InboundHandler.refusal(cause);
            if (refused != null && opening == null) {
                transport.drop(remote, refused);
            } else if (!(cause instanceof IOException) && refused == null) {
                transport.failure("stream connection to " + remote + " failed", cause);
            }
            IOException failure = new IOException("the stream connection to " + remote + " failed: "
                    + cause.getMessage(), cause);
            if (stream != null) {
                stream.onFailure(failure);
            } else if (opening != null) {
                opening.completeExceptionally(failure);
            }
            InboundHandler.close(ctx, cause);
        }
    }
}
