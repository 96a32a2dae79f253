package io.tamtam.internal;

import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * In-memory transports for one real node: the node's listeners are kept, so a test hands them packets
 * as a Netty transport would hand them what a remote peer sent, and what the node sends to one address
 * is kept for the test to read. Nothing else leaves the node.
 */
public final class TappedTransports implements DatagramTransport, StreamTransport {
    /** The address the node is bound to. */
    public final InetSocketAddress bound = new InetSocketAddress("127.0.0.1", 40_000);
    /** Packets the node sent to {@link #tapped}. */
    public final ConcurrentLinkedQueue<byte[]> sentToTapped = new ConcurrentLinkedQueue<>();
    private final InetSocketAddress tapped;
    private volatile DatagramTransport.Listener datagrams;
    private volatile StreamTransport.Listener frames;

    /** @param tapped the address whose packets are kept */
    public TappedTransports(InetSocketAddress tapped) {
        this.tapped = tapped;
    }

    /**
     * @return the messages of every packet the node sent to {@link #tapped} so far, in order (packets this
     *         test codec cannot read, compressed ones say, left out)
     */
    public java.util.List<io.tamtam.internal.wire.Message> messagesSentToTapped() {
        io.tamtam.internal.wire.PacketCodec codec = new io.tamtam.internal.wire.PacketCodec(new java.util.UUID(0, 0), null,
                Integer.MAX_VALUE, java.util.List.of(), 16 << 20);
        java.util.List<io.tamtam.internal.wire.Message> messages = new java.util.ArrayList<>();
        for (byte[] b : sentToTapped) {
            try {
                messages.addAll(codec.decode(b, 0, b.length, 16 << 20).messages());
            } catch (io.tamtam.internal.wire.WireException unreadable) {
                // not one a test looks for
            }
        }
        return messages;
    }

    /** @return whether the node bound both transports */
    public boolean bound() {
        return datagrams != null && frames != null;
    }

    /**
     * @param from   the remote address
     * @param packet a datagram for the node
     */
    public void datagram(InetSocketAddress from, byte[] packet) {
        datagrams.onDatagram(from, ByteBuffer.wrap(packet));
    }

    /**
     * @param from   the remote address
     * @param packet a frame for the node
     */
    public void frame(InetSocketAddress from, byte[] packet) {
        frames.onFrame(from, ByteBuffer.wrap(packet));
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address, DatagramTransport.Listener listener) {
        datagrams = listener;
        return bound;
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address, StreamTransport.Listener listener) {
        frames = listener;
        return bound;
    }

    @Override
    public int maxDatagramSize() {
        return 1400;
    }

    @Override
    public void send(InetSocketAddress to, ByteBuffer datagram) {
        keep(to, datagram);
    }

    @Override
    public int maxFrameSize() {
        return 16 << 20;
    }

    @Override
    public CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer frame) {
        keep(to, frame);
        return CompletableFuture.completedFuture(null);
    }

    private void keep(InetSocketAddress to, ByteBuffer b) {
        if (to.equals(tapped)) {
            byte[] copy = new byte[b.remaining()];
            b.duplicate().get(copy);
            sentToTapped.add(copy);
        }
    }

    @Override
    public CompletableFuture<StreamChannel> openStream(InetSocketAddress to) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no streams on tapped transports"));
    }

    @Override
    public void close() {
    }
}
