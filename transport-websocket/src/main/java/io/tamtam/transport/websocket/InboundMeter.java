package io.tamtam.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.tamtam.DropReason;
import io.tamtam.transport.tcp.InboundBudget;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what one frame connection makes the node hold before a message is complete, as the TCP
 * transport's frame decoder does for its frames. It sits right behind the WebSocket frame decoder, which
 * refuses any single WebSocket frame over {@value WebSocketTransport#MAX_WIRE_FRAME} bytes, in front of the
 * protocol handler and of the aggregator, which collects the fragments of a message:
 * <ul>
 *   <li>Past {@value #FREE} bytes of an unfinished message, every further fragment reserves its size
 *       from the transport's {@link InboundBudget}. When the budget has no room the connection stops
 *       reading until it has; after waiting {@code receiveGrace} it is closed ({@link DropReason#OVER_BUDGET}).
 *       The reservation is given back when the message was handed on or the connection closed.</li>
 *   <li>Bytes in progress (a frame not yet decoded, or a message not yet complete) must keep up
 *       {@code minReceiveRate}: by {@code grace + t} after the first of them arrived (or the budget was
 *       granted), {@code rate × t} bytes must have arrived, else the connection is closed
 *       ({@link DropReason#SLOW_SENDER}).</li>
 * </ul>
 * A fragment that arrived is already in memory when it reserves, so the budget is exceeded by at most one
 * frame per connection. The bytes in progress are the raw bytes counted by {@link #arrivals()}, a handler at
 * the front of the pipeline, since the upgrade (the HTTP request or response passing through), less the
 * exact wire size of every decoded frame (RFC 6455 header plus payload).
 * Waiting for budget stops reading: auto-read goes off, and the reads the handlers behind this one ask for
 * (the aggregator and the protocol handler ask for one whenever auto-read is off) are held back until the
 * budget has room. A ping is not answered while the connection cannot write (RFC 6455 lets an endpoint
 * answer only the latest ping), so a peer that sends pings and reads nothing cannot make the node queue
 * pongs.
 * Everything runs on the connection's event loop, except a budget grant's arrival.
 */
final class InboundMeter extends ChannelDuplexHandler {

    /** Bytes of an unfinished message a connection holds without reserving them. */
    static final int FREE = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(InboundMeter.class);
    private static final long MAX_CHECK_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final WebSocketTransport transport;
    private final InboundBudget budget;
    private final boolean masked;
    private final double minBytesPerNano;
    private final long graceNanos;
    private final Runnable check = this::check;
    private ChannelHandlerContext ctx;
    private boolean upgraded;
    /** Raw bytes arrived since the upgrade, and the wire bytes of the frames decoded from them. */
    private long arrived;
    private long decoded;
    /** Payload bytes of the unfinished message the aggregator holds. */
    private long held;
    private long unreserved;
    private long reserved;
    private long waitingFor;
    /** The wait in the budget's line while {@code waitingFor} is not 0; a grant for another one is stale. */
    private Wait wait;
    private long waitSinceNanos;
    private long startNanos;
    private long arrivedAtStart;
    private boolean inProgress;
    private boolean checkArmed;
    private boolean dead;

    /**
     * @param transport the transport whose budget and limits apply
     * @param masked    whether the frames this side receives are masked (the accepting side's)
     */
    InboundMeter(WebSocketTransport transport, boolean masked) {
        this.transport = transport;
        this.budget = transport.inboundBudget();
        this.masked = masked;
        this.minBytesPerNano = transport.options().minReceiveRate() / 1e9;
        this.graceNanos = transport.options().receiveGrace().toNanos();
    }

    /** @return the handler for the front of the pipeline that counts the raw bytes read */
    ChannelInboundHandlerAdapter arrivals() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                long before = arrived;
                if (upgraded && msg instanceof ByteBuf in) {
                    arrived += in.readableBytes();
                }
                ctx.fireChannelRead(msg);
                if (upgraded && !dead) {
                    progress(before);
                }
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            if (msg instanceof FullHttpMessage) {
                upgraded = true; // the upgrade request (or response) was read: frames follow
            }
            return;
        }
        if (dead) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int payload = frame.content().readableBytes();
        decoded += wireSize(payload);
        if (StreamGate.unanswerablePing(frame, ctx.channel())) {
            ReferenceCountUtil.release(msg);
            return;
        }
        boolean control = frame instanceof PingWebSocketFrame || frame instanceof PongWebSocketFrame
                || frame instanceof CloseWebSocketFrame;
        if (control || frame.isFinalFragment()) {
            try {
                ctx.fireChannelRead(msg);
            } finally {
                if (!control) {
                    messageDone();
                }
            }
            return;
        }
        held += payload;
        if (held > FREE) {
            unreserved += Math.min(payload, held - FREE);
            reserveOwed();
        }
        ctx.fireChannelRead(msg);
    }

    /** Holds back reads while the connection waits for budget; {@link #onGranted} turns reading back on. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (waitingFor == 0) {
            ctx.read();
        }
    }

    /** @return payload bytes of the unfinished message this connection holds */
    long held() {
        return held;
    }

    /** @return the bytes a frame with this payload takes on the wire (minimal length encoding, RFC 6455) */
    private long wireSize(int payload) {
        int length = payload <= 125 ? 0 : payload <= 0xFFFF ? 2 : 8;
        return 2 + length + (masked ? 4 : 0) + (long) payload;
    }

    private void reserveOwed() {
        if (waitingFor != 0 || unreserved == 0) {
            return;
        }
        long bytes = unreserved;
        unreserved = 0;
        Wait w = new Wait();
        if (budget.reserveOrWait(w, bytes)) {
            reserved += bytes;
            return;
        }
        wait = w;
        waitingFor = bytes;
        waitSinceNanos = System.nanoTime();
        ctx.channel().config().setAutoRead(false);
        LOG.debug("A message from {} waits for inbound buffer budget ({} bytes held)", remote(), held);
        armCheck();
    }

    /**
     * One wait in the budget's line: a grant that arrives after its wait was given up (the message ended,
     * the connection died) goes back to the budget, even when a later wait of the same connection is on.
     */
    private final class Wait implements InboundBudget.Waiter {
        @Override
        public void granted(long bytes) {
            try {
                ctx.executor().execute(() -> onGranted(this, bytes));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                budget.release(bytes); // the event loop is gone, and the connection with it
            }
        }
    }

    private void onGranted(Wait w, long bytes) {
        if (dead || w != wait) {
            budget.release(bytes); // given up while the grant was on its way
            return;
        }
        reserved += bytes;
        waitingFor = 0;
        wait = null;
        startNanos = System.nanoTime();
        arrivedAtStart = arrived;
        ctx.channel().config().setAutoRead(true);
        reserveOwed();
    }

    private void messageDone() {
        held = 0;
        unreserved = 0;
        if (waitingFor != 0) {
            budget.cancel(wait); // when the grant is already on its way, onGranted gives it back
            waitingFor = 0;
            wait = null;
            ctx.channel().config().setAutoRead(true);
        }
        long bytes = reserved;
        reserved = 0;
        budget.release(bytes);
    }

    /**
     * After a read: starts or ends the clock of the bytes in progress.
     *
     * @param before raw bytes arrived before this read
     */
    private void progress(long before) {
        boolean now = held > 0 || arrived > decoded;
        if (now && !inProgress) {
            startNanos = System.nanoTime();
            arrivedAtStart = before;
            armCheck();
        }
        inProgress = now;
    }

    // ---- limits --------------------------------------------------------------------------------

    private void armCheck() {
        if (!checkArmed && !dead) {
            checkArmed = true;
            ctx.executor().schedule(check, Math.max(1_000_000, Math.min(graceNanos, MAX_CHECK_PERIOD_NANOS) / 2),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        checkArmed = false;
        if (dead) {
            return;
        }
        long now = System.nanoTime();
        if (waitingFor != 0) {
            if (now - waitSinceNanos >= graceNanos) {
                cut(DropReason.OVER_BUDGET, "a message waited " + TimeUnit.NANOSECONDS.toMillis(now - waitSinceNanos)
                        + " ms for inbound buffer budget (" + held + " bytes held)");
                return;
            }
            armCheck();
            return;
        }
        inProgress = held > 0 || arrived > decoded;
        if (!inProgress) {
            return;
        }
        long late = now - startNanos - graceNanos;
        long came = arrived - arrivedAtStart;
        if (late > 0 && came < minBytesPerNano * late) {
            cut(DropReason.SLOW_SENDER, "only " + came + " bytes arrived in "
                    + TimeUnit.NANOSECONDS.toMillis(now - startNanos) + " ms, below the minimum receive rate");
            return;
        }
        armCheck();
    }

    private void cut(DropReason reason, String why) {
        LOG.debug("Closing WebSocket connection from {}: {}", remote(), why);
        transport.drop(remote(), reason);
        release();
        ctx.close();
    }

    private InetSocketAddress remote() {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }

    // ---- the end -------------------------------------------------------------------------------

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    /** Gives the budget back; idempotent. */
    private void release() {
        if (dead) {
            return;
        }
        dead = true;
        if (waitingFor != 0) {
            budget.cancel(wait);
            waitingFor = 0;
            wait = null;
        }
        long bytes = reserved;
        reserved = 0;
        budget.release(bytes);
    }
}
