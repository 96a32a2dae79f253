package io.tamtam.transport.websocket;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.WriteTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The pooled connection this node opened to one destination for its frames. Frames sent before the
 * upgrade completes wait in order; the lock orders frames from all threads into one queue that the event
 * loop drains, writing every queued frame and flushing once. Closed connections are replaced by the
 * transport on the next send.
 */
final class WsConnection extends ChannelInboundHandlerAdapter {

    private record Pending(ByteBuf frame, CompletableFuture<Void> future) {
    }

    private final WebSocketTransport transport;
    private final InetSocketAddress to;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    /** Frames for the event loop to write, in order; filled under the lock, drained on the loop. */
    private final java.util.Queue<Pending> outbound = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private long queuedBytes;
    private Channel channel;
    private boolean open;
    private volatile boolean closed;
    private IOException failure;

    WsConnection(WebSocketTransport transport, InetSocketAddress to) {
        this.transport = transport;
        this.to = to;
    }

    boolean isClosed() {
        return closed;
    }

    void connect(Bootstrap template) {
        WsConnection self = this;
        ChannelFuture f = template.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                transport.initClientChannel(ch, to, WebSocketTransport.FRAMES, self);
            }
        }).connect(to);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                fail(transport.connectFailure(to, done.cause()));
            }
        });
    }

    /**
     * Queues or writes one frame.
     *
     * @return false when the connection closed meanwhile and the caller must take a new one
     */
    synchronized boolean send(ByteBuf frame, CompletableFuture<Void> future) {
        if (closed) {
            return false;
        }
        int size = frame.readableBytes();
        if (queuedBytes + size > WebSocketTransport.MAX_QUEUED_BYTES && queuedBytes > 0) {
            future.completeExceptionally(new IOException("send queue full for " + to + ": more than "
                    + (WebSocketTransport.MAX_QUEUED_BYTES >> 20) + " MiB of frames wait for this connection; "
                    + "slow down or check that the node is reachable"));
            return true;
        }
        queuedBytes += size;
        if (open) {
            write(frame, future);
        } else {
            waiting.add(new Pending(frame, future));
        }
        return true;
    }

    private void write(ByteBuf frame, CompletableFuture<Void> future) {
        outbound.add(new Pending(frame, future));
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(this::drain);
        }
    }

    /** Writes every queued frame and flushes once; on the event loop, the queue's only consumer. */
    private void drain() {
        drainScheduled.set(false);
        Pending p;
        int written = 0;
        while ((p = outbound.poll()) != null) {
            int size = p.frame().readableBytes();
            CompletableFuture<Void> future = p.future();
            writeMessage(p.frame()).addListener(w -> {
                synchronized (this) {
                    queuedBytes -= size;
                }
                if (w.isSuccess()) {
                    future.complete(null);
                } else {
                    future.completeExceptionally(new IOException("writing to " + to + " failed: "
                            + w.cause().getMessage(), w.cause()));
                }
            });
            written++;
        }
        if (written > 0) {
            channel.flush();
        }
    }

    /**
     * Writes one frame as one WebSocket message: a single binary frame, or a binary frame and continuation
     * frames of at most {@link WebSocketTransport#MAX_WIRE_FRAME} bytes each.
     *
     * @param frame the frame's bytes, released here
     * @return the future of the message's last write
     */
    private ChannelFuture writeMessage(ByteBuf frame) {
        int size = frame.readableBytes();
        if (size <= WebSocketTransport.MAX_WIRE_FRAME) {
            return channel.write(new BinaryWebSocketFrame(frame));
        }
        ChannelFuture last = null;
        try {
            for (int offset = 0; offset < size; offset += WebSocketTransport.MAX_WIRE_FRAME) {
                int length = Math.min(WebSocketTransport.MAX_WIRE_FRAME, size - offset);
                boolean fin = offset + length == size;
                ByteBuf part = frame.retainedSlice(frame.readerIndex() + offset, length);
                last = channel.write(offset == 0 ? new BinaryWebSocketFrame(fin, 0, part)
                        : new ContinuationWebSocketFrame(fin, 0, part));
            }
        } finally {
            frame.release();
        }
        return last;
    }

    /** Fails what waits and closes; any thread. */
    void fail(IOException cause) {
        Channel ch;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            failure = cause;
            ch = channel;
            Pending p;
            while ((p = waiting.poll()) != null || (p = outbound.poll()) != null) {
                p.frame().release();
                p.future().completeExceptionally(cause);
            }
            queuedBytes = 0;
        }
        transport.forget(to, this);
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        synchronized (this) {
            channel = ctx.channel();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            synchronized (this) {
                if (!closed) {
                    open = true;
                    Pending p;
                    while ((p = waiting.poll()) != null) {
                        write(p.frame(), p.future());
                    }
                }
            }
            return;
        }
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fail(new IOException("the WebSocket upgrade to " + transport.uri(to) + " timed out; check that the node"
                    + " (or its proxy) forwards WebSocket upgrades on that path"));
            return;
        }
        if (evt instanceof IdleStateEvent) {
            boolean idle;
            synchronized (this) {
                idle = queuedBytes == 0 && waiting.isEmpty();
            }
            if (idle) {
                fail(new IOException("connection to " + to + " closed after the idle timeout"));
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg); // the remote sends its frames on its own connection
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(transport.isClosed() ? WebSocketTransport.closedException()
                : new IOException("connection to " + to + " was closed by the remote end"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof WriteTimeoutException) {
            fail(new IOException("a write to " + to + " did not complete within writeTimeout; the remote is not reading"));
            return;
        }
        if (!(cause instanceof IOException)
                && !(cause instanceof io.netty.handler.codec.http.websocketx.WebSocketHandshakeException)) {
            transport.failure("WebSocket connection to " + to + " failed", cause);
        }
        fail(new IOException("connection to " + transport.uri(to) + " failed: " + cause.getMessage(), cause));
    }

    @Override
    public String toString() {
        return "WsConnection[" + to + (failure != null ? ", failed: " + failure.getMessage() : "") + "]";
    }
}
