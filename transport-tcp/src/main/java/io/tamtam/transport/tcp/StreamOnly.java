package io.tamtam.transport.tcp;

import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node with no datagram path: what the cluster would send by datagram (probes, acks, gossip) goes as
 * frames over the stream transport instead, so that everything travels where the stream transport goes
 * (through TLS, or through an HTTP proxy for WebSocket). Set both factories:
 * <pre>{@code
 * StreamOnly only = StreamOnly.over(new TcpTransportFactory(null, tls));
 * ClusterConfig.builder().streamTransport(only.streams()).datagramTransport(only.datagrams())
 * }</pre>
 * The cluster binds the stream transport first and then the datagram transport on the stream transport's
 * address; the datagram transport sends through the stream transport bound there. Sends stay best effort,
 * as datagrams are: a frame that cannot be sent is dropped. Inbound, the frames reach the cluster through
 * the stream transport's listener. The cluster's statistics count these packets under the datagram path
 * when sent and the frame path when received.
 */
public final class StreamOnly {

    private final StreamTransport.Factory streams;
    private final Map<InetSocketAddress, StreamTransport> bound = new ConcurrentHashMap<>();

    private StreamOnly(StreamTransport.Factory streams) {
        this.streams = streams;
    }

    /**
     * @param streams the stream transport factory
     * @return the pair of factories over it
     */
    public static StreamOnly over(StreamTransport.Factory streams) {
        return new StreamOnly(Objects.requireNonNull(streams, "streams"));
    }

    /** @return the stream transport factory to set in the configuration */
    public StreamTransport.Factory streams() {
        return options -> new Recorded(streams.create(options));
    }

    /** @return the datagram transport factory to set in the configuration, next to {@link #streams()} */
    public DatagramTransport.Factory datagrams() {
        return options -> new FrameDatagrams(options.maxDatagramSize());
    }

    /** A stream transport that tells the pair where it is bound. */
    private final class Recorded implements StreamTransport {
        private final StreamTransport inner;
        private volatile InetSocketAddress at;

        Recorded(StreamTransport inner) {
            this.inner = inner;
        }

        @Override
        public InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
            InetSocketAddress local = inner.bind(address, listener);
            at = local;
            bound.put(local, inner);
            return local;
        }

        @Override
        public int maxFrameSize() {
            return inner.maxFrameSize();
        }

        @Override
        public CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer frame) {
            return inner.sendFrame(to, frame);
        }

        @Override
        public CompletableFuture<StreamChannel> openStream(InetSocketAddress to) {
            return inner.openStream(to);
        }

        @Override
        public void close() {
            InetSocketAddress local = at;
            if (local != null) {
                bound.remove(local, inner);
            }
            inner.close();
        }

        @Override
        public String toString() {
            return inner.toString();
        }
    }

    /** Datagrams as frames of the stream transport bound at the same address. */
    private final class FrameDatagrams implements DatagramTransport {
        private final int maxDatagramSize;
        private volatile StreamTransport target;

        FrameDatagrams(int maxDatagramSize) {
            this.maxDatagramSize = maxDatagramSize;
        }

        @Override
        public InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
            StreamTransport t = bound.get(address);
            if (t == null) {
                throw new IOException("no stream transport of this StreamOnly pair is bound to " + address
                        + "; set StreamOnly.streams() as the stream transport next to its datagrams()");
            }
            target = t;
            return address;
        }

        @Override
        public int maxDatagramSize() {
            return maxDatagramSize;
        }

        @Override
        public void send(InetSocketAddress to, ByteBuffer datagram) {
            StreamTransport t = target;
            if (t != null) {
                t.sendFrame(to, datagram);
            }
        }

        @Override
        public void close() {
            target = null;
        }
    }
}
