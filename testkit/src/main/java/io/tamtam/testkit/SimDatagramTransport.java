package io.tamtam.testkit;

import io.tamtam.DropReason;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.TransportOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The in-memory datagram path of one {@link SimNode}. {@link #send} copies the bytes, applies the link's
 * loss, latency and jitter and the network's partitions, and delivers the copy on the receiver's view of
 * the event loop: a paused receiver gets it late, a crashed or closed one never. A datagram larger than
 * {@link #maxDatagramSize()} is not sent, one larger than the receiver's limit is not delivered (the
 * receiver's listener hears {@link DropReason#OVERSIZED}).
 *
 * <p>Threading: the listener is called on the thread that drives the network, as a task of the receiving
 * node; it must not block.
 */
public final class SimDatagramTransport implements DatagramTransport {

    private final SimNetwork network;
    private final SimNode node;
    private final int maxDatagramSize;
    private Listener listener;
    private volatile boolean open;
    private boolean bound;

    SimDatagramTransport(SimNetwork network, SimNode node, TransportOptions options) {
        this.network = network;
        this.node = node;
        this.maxDatagramSize = options.maxDatagramSize();
    }

    /**
     * Binds the node's simulated address (port 0 means the node's port).
     *
     * @throws IOException when the address is not the node's, or the node already has a datagram
     *                     transport
     */
    @Override
    public InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
        network.checkBindable(node, address);
        synchronized (this) {
            if (bound) {
                throw new IOException("this transport is already bound; create a new one");
            }
            if (node.datagramTransport() != null && node.datagramTransport().isOpen()) {
                throw new IOException("address already in use: " + node.address()
                        + " already has a datagram transport");
            }
            this.listener = listener;
            bound = true;
            open = true;
            node.datagramTransport(this);
        }
        return node.address();
    }

    @Override
    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    @Override
    public void send(InetSocketAddress to, ByteBuffer datagram) {
        if (!open || node.isCrashed()) {
            return;
        }
        int n = datagram.remaining();
        SimCounters c = node.counters();
        c.datagramsSent++;
        c.bytesSent += n;
        if (n > maxDatagramSize) {
            c.datagramsDropped++;
            return;
        }
        SimNode dest = network.nodeAt(to);
        long delay = dest == null ? -1 : network.datagramDelay(node, dest);
        if (delay < 0) {
            c.datagramsDropped++;
            return;
        }
        byte[] copy = new byte[n];
        datagram.get(datagram.position(), copy);
        dest.view().submit(new Delivery(dest, node.address(), copy), delay + dest.readLagNanos());
    }

    /** Runs the task once the datagrams that reached this node by now were read: after its read lag. */
    @Override
    public void afterPendingReads(Runnable task) {
        long lag = node.readLagNanos();
        if (lag == 0) {
            task.run();
        } else {
            node.view().schedule(task, lag);
        }
    }

    /** @return whether the transport is bound and not closed */
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }

    private void deliver(InetSocketAddress from, byte[] bytes) {
        if (!open || node.isCrashed()) {
            return;
        }
        if (bytes.length > maxDatagramSize) {
            listener.onDropped(from, DropReason.OVERSIZED);
            return;
        }
        SimCounters c = node.counters();
        c.datagramsReceived++;
        c.bytesReceived += bytes.length;
        listener.onDatagram(from, ByteBuffer.wrap(bytes));
    }

    /** A datagram in flight: the task that hands it to the receiver. */
    private static final class Delivery extends SimTask {
        private final SimNode dest;
        private final InetSocketAddress from;
        private final byte[] bytes;

        Delivery(SimNode dest, InetSocketAddress from, byte[] bytes) {
            super(dest.view());
            this.dest = dest;
            this.from = from;
            this.bytes = bytes;
        }

        @Override
        void run() {
            SimDatagramTransport t = dest.datagramTransport();
            if (t != null) {
                t.deliver(from, bytes);
            }
        }
    }
}
