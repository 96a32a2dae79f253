package io.tamtam.transport.tcp.cluster;

import io.tamtam.DropReason;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import io.tamtam.transport.tcp.TcpTransport;
import io.tamtam.transport.udp.UdpTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps a node's real UDP and TCP transports and records the size of every inbound datagram and frame
 * that carries a run of {@link #MARKER} bytes, so a test sees which path a marked payload took.
 */
final class MarkerTap {

    /** The byte test payloads are filled with. */
    static final byte MARKER = 0x5A;
    private static final int RUN = 64;

    /** Which path a packet arrived on. */
    enum Path { DATAGRAM, FRAME }

    /** One marked inbound packet. */
    record Arrival(Path path, int size) {
    }

    final List<Arrival> arrivals = new CopyOnWriteArrayList<>();

    /** @return a datagram transport factory whose transports report to this tap */
    DatagramTransport.Factory datagrams() {
        return options -> new TappedDatagrams(new UdpTransport(options));
    }

    /** @return a stream transport factory whose transports report to this tap */
    StreamTransport.Factory streams() {
        return (TransportOptions options) -> new TappedStreams(new TcpTransport(options));
    }

    /** @return a payload of {@code size} marker bytes */
    static byte[] payload(int size) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, MARKER);
        return b;
    }

    private void inspect(Path path, ByteBuffer packet) {
        int run = 0;
        for (int i = packet.position(); i < packet.limit(); i++) {
            run = packet.get(i) == MARKER ? run + 1 : 0;
            if (run == RUN) {
                arrivals.add(new Arrival(path, packet.remaining()));
                return;
            }
        }
    }

    private final class TappedDatagrams implements DatagramTransport {
        private final DatagramTransport delegate;

        TappedDatagrams(DatagramTransport delegate) {
            this.delegate = delegate;
        }

        @Override
        public InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
            return delegate.bind(address, (from, datagram) -> {
                inspect(Path.DATAGRAM, datagram);
                listener.onDatagram(from, datagram);
            });
        }

        @Override
        public int maxDatagramSize() {
            return delegate.maxDatagramSize();
        }

        @Override
        public void send(InetSocketAddress to, ByteBuffer datagram) {
            delegate.send(to, datagram);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private final class TappedStreams implements StreamTransport {
        private final StreamTransport delegate;

        TappedStreams(StreamTransport delegate) {
            this.delegate = delegate;
        }

        @Override
        public InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
            return delegate.bind(address, new Listener() {
                @Override
                public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
                    inspect(Path.FRAME, frame);
                    listener.onFrame(remote, frame);
                }

                @Override
                public void onStream(StreamChannel stream) {
                    listener.onStream(stream);
                }

                @Override
                public void onDropped(InetSocketAddress remote, DropReason reason) {
                    listener.onDropped(remote, reason);
                }
            });
        }

        @Override
        public int maxFrameSize() {
            return delegate.maxFrameSize();
        }

        @Override
        public CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer frame) {
            return delegate.sendFrame(to, frame);
        }

        @Override
        public CompletableFuture<StreamChannel> openStream(InetSocketAddress to) {
            return delegate.openStream(to);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
