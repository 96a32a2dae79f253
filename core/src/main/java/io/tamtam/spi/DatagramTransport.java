package io.tamtam.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The best-effort, unordered packet path (UDP in production). The cluster sends every packet that fits
 * {@link #maxDatagramSize()} here and everything larger over the {@link StreamTransport}.
 *
 * <p>Lifecycle: created by a {@link Factory}, {@link #bind bound} once, {@link #close closed} once
 * (idempotent). Threading: {@link #send} may be called from any thread and must not block; the
 * {@link Listener} is called on transport threads and must not block either.
 */
public interface DatagramTransport extends AutoCloseable {

    /**
     * Starts receiving.
     *
     * @param address  the address to bind; port 0 picks a free port
     * @param listener receives every inbound datagram
     * @return the bound address, with the actual port
     * @throws IOException when the address cannot be bound
     */
    InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException;

    /** @return the largest datagram this transport sends, in bytes */
    int maxDatagramSize();

    /**
     * Sends one datagram, best effort. Never blocks and never throws for network errors: a datagram
     * that cannot be sent is dropped, as the network itself may drop it.
     *
     * @param to       destination
     * @param datagram bytes from position to limit; the transport copies them before returning
     */
    void send(InetSocketAddress to, ByteBuffer datagram);

    /**
     * Runs a task once the datagrams the socket holds now have been passed to the listener, as far as the
     * receiving thread's next pass over its sockets reads them; the task runs on that thread and must be
     * short. The failure detector passes its verdict on an unanswered probe through here: an answer that
     * arrived in time but waits unread (the receiving thread is behind) must not raise a suspicion, and
     * how long the task waited tells how far behind that thread is. The default runs the task at once,
     * for a transport that hands every datagram over as it arrives.
     *
     * @param task what to run
     */
    default void afterPendingReads(Runnable task) {
        task.run();
    }

    /** Stops receiving and releases the socket. Idempotent. */
    @Override
    void close();

    /**
     * Receives datagrams, and hears of datagrams the transport refused and of its own failures. Called on
     * a transport thread; must not block.
     */
    @FunctionalInterface
    interface Listener {
        /**
         * @param sender   the source address of the datagram
         * @param datagram the bytes, valid only for the duration of the call
         */
        void onDatagram(InetSocketAddress sender, ByteBuffer datagram);

        /**
         * A datagram the transport refused before it reached {@link #onDatagram}, such as one longer than
         * the maximum. The cluster counts it. The default ignores it.
         *
         * @param sender the source address of the datagram
         * @param reason why it was refused
         */
        default void onDropped(InetSocketAddress sender, io.tamtam.DropReason reason) {
        }

        /**
         * {@code count} datagrams refused for one reason at once, such as those the kernel dropped since the
         * last look. The default calls {@link #onDropped(InetSocketAddress, io.tamtam.DropReason)} for each.
         *
         * @param sender the source address, or {@code null} when unknown
         * @param reason why they were refused
         * @param count  how many
         */
        default void onDropped(InetSocketAddress sender, io.tamtam.DropReason reason, long count) {
            for (long i = 0; i < count; i++) {
                onDropped(sender, reason);
            }
        }

        /**
         * A failure inside the transport that is not a refused datagram (an exception in its pipeline,
         * a socket error other than a routine network one). The cluster passes it to its error handler.
         * The default ignores it.
         *
         * @param context what the transport was doing
         * @param error   the failure
         */
        default void onFailure(String context, Throwable error) {
        }
    }

    /** Creates datagram transports; found by {@link java.util.ServiceLoader} or set in the config. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param options validated settings from the cluster configuration
         * @return a new, unbound transport
         */
        DatagramTransport create(TransportOptions options);
    }
}
