package io.tamtam.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The reliable path (TCP in production): length-delimited frames over pooled connections, and
 * dedicated byte streams.
 *
 * <p>Frames to one destination are delivered in the order {@link #sendFrame} was called, as long as the
 * connection holds; a connection that breaks fails the futures of frames not yet written. Connections
 * are opened on demand, reused, and closed when idle, so that a node holds few of them.
 *
 * <p>Lifecycle: created by a {@link Factory}, {@link #bind bound} once, {@link #close closed} once
 * (idempotent), which fails every pending future with a {@link java.io.IOException}. Threading: every
 * method may be called from any thread and none blocks; the {@link Listener} is called on transport
 * threads and must not block.
 */
public interface StreamTransport extends AutoCloseable {
    /**
     * How many of a large frame's first bytes, at least, a transport has received before it asks
     * {@link Listener#largeFrameTail}: 512. (The TCP transport asks only for frames over 1 MiB, once their
     * first MiB is in, so that a length prefix alone never makes the node allocate the frame's length.)
     */
    int LARGE_FRAME_HEAD = 512;

    /**
     * Starts accepting connections.
     *
     * @param address  the address to bind; port 0 picks a free port
     * @param listener receives inbound frames and streams
     * @return the bound address, with the actual port
     * @throws IOException when the address cannot be bound
     */
    InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException;

    /** @return the largest frame, in bytes, this transport sends or accepts */
    int maxFrameSize();

    /**
     * Sends one frame to the node listening at {@code to}.
     *
     * @param to    the destination's listen address
     * @param frame bytes from position to limit; the transport copies them before returning
     * @return completes when the frame was written to the connection; fails with the reason
     *         (connect timeout, connection refused, frame too large, transport closed)
     */
    CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer frame);

    /**
     * Sends one frame made of two byte ranges, {@code head} then {@code body}, to the node listening at
     * {@code to}: on the wire the same frame as {@link #sendFrame(InetSocketAddress, ByteBuffer)} with their
     * concatenation, so that a large body need not be copied behind a small head first. The default
     * concatenates them and calls that method; a transport overrides it to copy each range once.
     *
     * @param to   the destination's listen address
     * @param head bytes from position to limit, first; the transport copies them before returning
     * @param body bytes from position to limit, after the head; copied before returning too
     * @return as {@link #sendFrame(InetSocketAddress, ByteBuffer)}
     */
    default CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer head, ByteBuffer body) {
        ByteBuffer whole = ByteBuffer.allocate(head.remaining() + body.remaining());
        whole.put(head.duplicate()).put(body.duplicate()).flip();
        return sendFrame(to, whole);
    }

    /**
     * Opens a dedicated, bidirectional byte stream to the node listening at {@code to}.
     *
     * @param to the destination's listen address
     * @return the connected stream, or a failure with the reason
     */
    CompletableFuture<StreamChannel> openStream(InetSocketAddress to);

    /** Closes every connection and stops accepting. Idempotent. */
    @Override
    void close();

    /** Receives inbound traffic. Called on transport threads; must not block. */
    interface Listener {
        /**
         * @param remote the remote end of the connection the frame came on
         * @param frame  the frame, valid only for the duration of the call
         */
        void onFrame(InetSocketAddress remote, ByteBuffer frame);

        /**
         * A large frame whose buffer the listener may keep until it calls {@code release}, so that it can
         * be authenticated and decoded on another thread without being copied first. The transport keeps
         * counting the frame against its inbound memory bound until then. The default hands the frame to
         * {@link #onFrame} and releases it at once.
         *
         * @param remote  the remote end of the connection the frame came on
         * @param frame   the frame, valid until {@code release} runs
         * @param release gives the buffer back; call it exactly once, from any thread
         */
        default void onLargeFrame(InetSocketAddress remote, ByteBuffer frame, Runnable release) {
            try {
                onFrame(remote, frame);
            } finally {
                release.run();
            }
        }

        /**
         * Asked at most once per large frame (one the transport passes to {@link #onLargeFrame}), on the
         * transport thread, once at least {@value StreamTransport#LARGE_FRAME_HEAD} of its bytes have
         * arrived (which frames, and how many bytes first, is the transport's choice): may return an array
         * for the frame's last bytes, which the transport
         * then receives straight into it and hands over with {@link #onLargeFrame(InetSocketAddress,
         * ByteBuffer, byte[], Runnable)}, so that a payload the frame ends with needs no copy of its own.
         * The frame's head (the bytes before the array's part) must be among those that arrived. Must be
         * quick. The default receives every frame whole.
         *
         * @param remote      the remote end of the connection the frame comes on
         * @param head        the frame's bytes that arrived so far, valid only for the duration of the call
         * @param frameLength the frame's length
         * @return an array of at most {@code frameLength} bytes for the frame's last bytes, or null
         */
        default byte[] largeFrameTail(InetSocketAddress remote, ByteBuffer head, int frameLength) {
            return null;
        }

        /**
         * A large frame received in two parts: {@code head}, then the array {@link #largeFrameTail}
         * returned, now filled. The listener may keep both until it calls {@code release}, as with
         * {@link #onLargeFrame(InetSocketAddress, ByteBuffer, Runnable)}; the tail is the listener's. The
         * default joins them and hands them to that method.
         *
         * @param remote  the remote end of the connection the frame came on
         * @param head    the frame's first bytes, valid until {@code release} runs
         * @param tail    the frame's last bytes
         * @param release gives the head's buffer back; call it exactly once, from any thread
         */
        default void onLargeFrame(InetSocketAddress remote, ByteBuffer head, byte[] tail, Runnable release) {
            ByteBuffer whole = ByteBuffer.allocate(head.remaining() + tail.length);
            whole.put(head).put(tail).flip();
            onLargeFrame(remote, whole, release);
        }

        /**
         * An inbound dedicated stream. The listener owns it from now on and must close it.
         *
         * @param stream the accepted stream
         */
        void onStream(StreamChannel stream);

        /**
         * Inbound bytes or a connection the transport refused before they reached the cluster, such as a
         * frame whose length prefix exceeds the maximum, a connection beyond the connection limit, or a
         * sender below the minimum receive rate. The cluster counts them.
         *
         * @param remote the remote end
         * @param reason why the bytes were refused
         */
        void onDropped(InetSocketAddress remote, io.tamtam.DropReason reason);

        /**
         * A failure inside the transport that is not refused input (an exception in a connection's
         * pipeline, an accept error, memory exhausted while receiving). The cluster passes it to its
         * error handler. The default ignores it.
         *
         * @param context what the transport was doing
         * @param error   the failure
         */
        default void onFailure(String context, Throwable error) {
        }
    }

    /** Creates stream transports; found by {@link java.util.ServiceLoader} or set in the config. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param options validated settings from the cluster configuration
         * @return a new, unbound transport
         */
        StreamTransport create(TransportOptions options);
    }
}
