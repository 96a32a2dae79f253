package io.tamtam.transport.tcp;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.tamtam.transport.udp.EventLoopLease;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The end of a Netty transport's {@code close()}, shared by the TCP and WebSocket transports. */
public final class Closing {

    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private Closing() {
    }

    /**
     * Waits (up to 5 seconds in all) for the channels to close, unless called on one of the lease's event
     * loop threads, then releases the lease.
     *
     * @param closing the close futures of the transport's channels
     * @param held    the transport's event loops
     */
    public static void awaitAndRelease(List<ChannelFuture> closing, EventLoopLease held) {
        if (!onEventLoop(held.group())) {
            long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
            for (ChannelFuture future : closing) {
                future.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        }
        held.release();
    }

    private static boolean onEventLoop(EventLoopGroup group) {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }
}
