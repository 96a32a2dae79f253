package io.tamtam.transport.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.tamtam.spi.StreamChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A dedicated TCP connection seen as a pair of blocking java.io streams; see {@link StreamInput} and
 * {@link StreamOutput} for the bounds.
 *
 * <p>{@link #close()} closes gracefully (the bytes written so far, then a FIN) when either direction has
 * already ended: the output was half-closed or the remote's end of stream arrived; a remote that takes
 * nothing of those bytes for {@code writeTimeout} gets a reset instead. Otherwise it resets
 * the connection, so that a read or write blocked on the remote fails with an {@code IOException} instead
 * of reading a clean end of stream; bytes not yet delivered are then lost. To finish sending, close
 * {@link #outputStream()} first.
 */
final class TcpStreamChannel implements StreamChannel {

    private final Channel channel;
    private final InetSocketAddress remote;
    private final StreamInput input;
    private final StreamOutput output;
    private final AtomicBoolean closed = new AtomicBoolean();

    TcpStreamChannel(Channel channel, InetSocketAddress remote, long bound, long writeTimeoutNanos) {
        this.channel = channel;
        this.remote = remote;
        this.input = new StreamInput(channel, bound);
        this.output = new StreamOutput(channel, bound, writeTimeoutNanos);
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

    /** @return the reading side, for the channel handler */
    StreamInput input() {
        return input;
    }

    /** @return the writing side, for the channel handler */
    StreamOutput output() {
        return output;
    }

    /** @return the Netty channel */
    Channel channel() {
        return channel;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean graceful = output.isHalfClosed() || input.hasEnded();
        input.close();
        ChannelFuture lastWrite = output.closeForChannel();
        if (graceful) {
            output.afterLastWrite(lastWrite, channel::close); // reset if the remote stops reading
        } else {
            output.reset();
        }
    }

    @Override
    public String toString() {
        return "TcpStreamChannel[" + channel.localAddress() + " -> " + remote + "]";
    }
}
