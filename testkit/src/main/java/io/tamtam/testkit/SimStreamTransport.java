package io.tamtam.testkit;

import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The in-memory stream path of one {@link SimNode}.
 *
 * <p>Frames ({@link #sendFrame}) are reliable and ordered per (sender, receiver) pair: they take the link's
 * latency (and jitter), are never lost, and never arrive before an earlier frame of the same pair. The
 * future completes when the frame is sent (written). When the receiver is partitioned away or crashed,
 * the future fails with a {@link SocketTimeoutException} after the connect timeout, in virtual time; when
 * nothing listens at the address (unknown or closed node), with a {@link ConnectException} after the same
 * delay. A frame larger than {@link #maxFrameSize()} fails at once; one larger than the receiver's limit
 * is refused by the receiver ({@link Listener#onDropped} with {@link DropReason#OVERSIZED}).
 *
 * <p>Streams ({@link #openStream}) are real in-memory byte streams between threads (see
 * {@link SimStreamChannel}); only their set-up runs in virtual time: the receiver's listener gets its end
 * after the link latency, on the receiver's view of the event loop, and must hand it to another thread
 * before reading from it, since blocking the event loop blocks the whole network.
 *
 * <p>Threading: the listener is called on the thread that drives the network, as a task of the receiving
 * node, and must not block; futures complete on that thread too.
 */
public final class SimStreamTransport implements StreamTransport {

    private final SimNetwork network;
    private final SimNode node;
    private final int maxFrameSize;
    private final long connectTimeoutNanos;
    private final Map<SimNode, long[]> lastFrameDue = new HashMap<>();
    private final Set<CompletableFuture<?>> pending = new LinkedHashSet<>();
    private final Set<SimStreamChannel> channels = new LinkedHashSet<>();
    private Listener listener;
    private volatile boolean open;
    private boolean bound;

    SimStreamTransport(SimNetwork network, SimNode node, TransportOptions options) {
        this.network = network;
        this.node = node;
        this.maxFrameSize = options.maxFrameSize();
        this.connectTimeoutNanos = options.connectTimeout().toNanos();
    }

    /**
     * Binds the node's simulated address (port 0 means the node's port).
     *
     * @throws IOException when the address is not the node's, or the node already has a stream transport
     */
    @Override
    public InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
        network.checkBindable(node, address);
        synchronized (this) {
            if (bound) {
                throw new IOException("this transport is already bound; create a new one");
            }
            if (node.streamTransport() != null && node.streamTransport().isOpen()) {
                throw new IOException("address already in use: " + node.address()
                        + " already has a stream transport");
            }
            this.listener = listener;
            bound = true;
            open = true;
            node.streamTransport(this);
        }
        return node.address();
    }

    @Override
    public int maxFrameSize() {
        return maxFrameSize;
    }

    @Override
    public CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer frame) {
        if (!open || node.isCrashed()) {
            return CompletableFuture.failedFuture(new IOException("transport closed"));
        }
        int n = frame.remaining();
        if (n > maxFrameSize) {
            return CompletableFuture.failedFuture(new IOException("frame of " + n + " bytes exceeds the "
                    + "largest frame of " + maxFrameSize + " bytes (maxFrameSize): raise "
                    + "ClusterConfig.maxFrameSize or send the data over a stream"));
        }
        SimNode dest = network.nodeAt(to);
        IOException unreachable = unreachable(to, dest);
        if (unreachable != null) {
            return failAfterConnectTimeout(unreachable);
        }
        SimCounters c = node.counters();
        c.framesSent++;
        c.bytesSent += n;
        long now = network.clock().nanoTime();
        long due = now + network.frameDelay(node, dest) + dest.readLagNanos();
        long[] last = lastFrameDue.computeIfAbsent(dest, k -> new long[1]);
        if (due < last[0]) {
            due = last[0];
        }
        last[0] = due;
        byte[] copy = new byte[n];
        frame.get(frame.position(), copy);
        dest.view().submit(new FrameDelivery(dest, node.address(), copy), due - now);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<StreamChannel> openStream(InetSocketAddress to) {
        if (!open || node.isCrashed()) {
            return CompletableFuture.failedFuture(new IOException("transport closed"));
        }
        SimNode dest = network.nodeAt(to);
        IOException unreachable = unreachable(to, dest);
        if (unreachable != null) {
            return failAfterConnectTimeout(unreachable);
        }
        SimStreamTransport remote = dest.streamTransport();
        BytePipe toRemote = new BytePipe();
        BytePipe fromRemote = new BytePipe();
        SimStreamChannel local = new SimStreamChannel(this, dest.address(), fromRemote, toRemote);
        SimStreamChannel accepted = new SimStreamChannel(remote, node.address(), toRemote, fromRemote);
        track(local);
        remote.track(accepted);
        long delay = network.frameDelay(node, dest);
        CompletableFuture<StreamChannel> result = new CompletableFuture<>();
        synchronized (this) {
            pending.add(result);
        }
        node.view().schedule(() -> {
            synchronized (this) {
                pending.remove(result);
            }
            result.complete(local);
        }, delay);
        dest.view().schedule(() -> remote.accept(accepted), delay);
        return result;
    }

    /** @return whether the transport is bound and not closed */
    public boolean isOpen() {
        return open;
    }

    /** Stops accepting, fails every pending future and breaks every stream of this transport. */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        List<CompletableFuture<?>> toFail;
        synchronized (this) {
            toFail = new ArrayList<>(pending);
            pending.clear();
        }
        for (CompletableFuture<?> f : toFail) {
            f.completeExceptionally(new IOException("transport closed"));
        }
        breakStreams();
    }

    /** Closes every stream of this transport, so that blocked peers fail. */
    void breakStreams() {
        List<SimStreamChannel> all;
        synchronized (this) {
            all = new ArrayList<>(channels);
        }
        for (SimStreamChannel ch : all) {
            ch.close();
        }
    }

    synchronized void forget(SimStreamChannel channel) {
        channels.remove(channel);
    }

    private synchronized void track(SimStreamChannel channel) {
        channels.add(channel);
    }

    private void accept(SimStreamChannel channel) {
        if (!open || node.isCrashed()) {
            channel.close();
            return;
        }
        listener.onStream(channel);
    }

    private IOException unreachable(InetSocketAddress to, SimNode dest) {
        if (dest == null || dest.streamTransport() == null
                || (!dest.streamTransport().isOpen() && !dest.isCrashed())) {
            return new ConnectException("connection refused: nothing listens at " + to);
        }
        if (dest.isCrashed() || network.blocked(node, dest)) {
            return new SocketTimeoutException("connection timed out after "
                    + connectTimeoutNanos / 1_000_000 + " ms connecting to " + to);
        }
        return null;
    }

    private <T> CompletableFuture<T> failAfterConnectTimeout(IOException reason) {
        CompletableFuture<T> f = new CompletableFuture<>();
        synchronized (this) {
            pending.add(f);
        }
        node.view().schedule(() -> {
            synchronized (this) {
                pending.remove(f);
            }
            f.completeExceptionally(reason);
        }, connectTimeoutNanos);
        return f;
    }

    private void deliverFrame(InetSocketAddress from, byte[] bytes) {
        if (!open || node.isCrashed()) {
            return;
        }
        if (bytes.length > maxFrameSize) {
            listener.onDropped(from, DropReason.OVERSIZED);
            return;
        }
        SimCounters c = node.counters();
        c.framesReceived++;
        c.bytesReceived += bytes.length;
        listener.onFrame(from, ByteBuffer.wrap(bytes));
    }

    /** A frame in flight: the task that hands it to the receiver. */
    private static final class FrameDelivery extends SimTask {
        private final SimNode dest;
        private final InetSocketAddress from;
        private final byte[] bytes;

        FrameDelivery(SimNode dest, InetSocketAddress from, byte[] bytes) {
            super(dest.view());
            this.dest = dest;
            this.from = from;
            this.bytes = bytes;
        }

        @Override
        void run() {
            SimStreamTransport t = dest.streamTransport();
            if (t != null) {
                t.deliverFrame(from, bytes);
            }
        }
    }
}
