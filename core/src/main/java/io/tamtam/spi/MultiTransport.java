package io.tamtam.spi;

import io.tamtam.DeliveryException;
import io.tamtam.NodeAddress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Several transports in one node, each reached under its own scheme, so that one cluster mixes nodes
 * reached over UDP+TCP and nodes reached over WebSocket. A node with both bridges them:
 * <pre>{@code
 * WebSocketTransportFactory ws = new WebSocketTransportFactory(WebSocketConfig.defaults().withPath("/tamtam"));
 * MultiTransport both = MultiTransport.builder()
 *         .add(NodeAddress.UDP_TCP, "", null, new TcpTransportFactory(), new UdpTransportFactory())
 *         .add(NodeAddress.WS, "/tamtam", new InetSocketAddress("10.0.0.1", 8080), ws, ws.datagrams())
 *         .build();
 * ClusterConfig.builder().streamTransport(both.streams()).datagramTransport(both.datagrams())
 * }</pre>
 * The first transport binds the cluster's {@code bindAddress} and is the node's {@link
 * io.tamtam.Node#address()}; each other one binds its own address (port 0 picks a free port). The node
 * advertises every bound address with its scheme ({@link io.tamtam.Node#addresses()}) unless the
 * configuration sets {@code advertiseAddresses}.
 *
 * <p>To send to a member, the transport looks up the addresses the member advertises and takes the first
 * of this node's transports, in the order they were added, whose scheme the member advertises. A
 * destination that is not a member (a seed being joined) is sent to over the first transport. A member
 * that advertises none of this node's schemes cannot be reached directly: a datagram to it is dropped,
 * and a frame or stream to it fails with a {@link DeliveryException}; the cluster does not probe such a
 * member itself and learns its state from the members that do.
 */
public final class MultiTransport {
    private final List<Entry> entries;
    private final Map<InetSocketAddress, Streams> bound = new ConcurrentHashMap<>();

    /**
     * One transport of the node.
     *
     * @param scheme    the scheme it is reached under
     * @param path      the path advertised with its address (the WebSocket path), empty for none
     * @param bind      the address it binds; null for the first transport, which binds the cluster's
     * @param streams   its stream transport
     * @param datagrams its datagram transport, bound after the stream transport on the same address
     */
    public record Entry(String scheme, String path, InetSocketAddress bind, StreamTransport.Factory streams,
                        DatagramTransport.Factory datagrams) {
        /** @throws IllegalArgumentException when a part is missing */
        public Entry {
            new NodeAddress(scheme, "h", 1, path);
            Objects.requireNonNull(streams, "streams");
            Objects.requireNonNull(datagrams, "datagrams");
        }
    }

    /**
     * A stream transport that listens at several addresses and routes by the addresses members
     * advertise. The cluster gives it the members' addresses when it starts.
     */
    public interface Addressed {
        /** @return the addresses it is bound at, each with its scheme, in order of preference */
        List<NodeAddress> boundAddresses();

        /**
         * @param book the addresses the member whose {@link io.tamtam.Node#address()} is the argument
         *             advertises, empty when it advertises none (it is reached as {@code udp+tcp} at that
         *             address), or null when no member has that address; called on any thread
         */
        void addressBook(Function<InetSocketAddress, List<NodeAddress>> book);
    }

    private MultiTransport(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the stream transport factory to set in the configuration */
    public StreamTransport.Factory streams() {
        return options -> new Streams(options);
    }

    /** @return the datagram transport factory to set in the configuration, next to {@link #streams()} */
    public DatagramTransport.Factory datagrams() {
        return options -> new Datagrams(options);
    }

    /** Builds a {@link MultiTransport}. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param scheme    the scheme ({@link NodeAddress#UDP_TCP}, {@link NodeAddress#WS}, {@link NodeAddress#WSS})
         * @param path      the path to advertise ({@code /tamtam} for WebSocket), empty for none
         * @param bind      the address to bind; null for the first transport, which binds the cluster's
         * @param streams   the stream transport
         * @param datagrams the datagram transport (for WebSocket its {@code datagrams()})
         * @return this
         * @throws IllegalArgumentException when a scheme repeats, when the first has a bind address or
         *                                  another has none, or beyond {@value io.tamtam.ClusterConfig#MAX_ADVERTISE_ADDRESSES}
         */
        public Builder add(String scheme, String path, InetSocketAddress bind, StreamTransport.Factory streams,
                           DatagramTransport.Factory datagrams) {
            if ((bind == null) != entries.isEmpty()) {
                throw new IllegalArgumentException(entries.isEmpty()
                        ? "the first transport binds the cluster's bindAddress: pass null as its bind address"
                        : "give transport " + scheme + " its own bind address (port 0 picks a free port)");
            }
            if (entries.size() == io.tamtam.ClusterConfig.MAX_ADVERTISE_ADDRESSES) {
                throw new IllegalArgumentException("at most " + io.tamtam.ClusterConfig.MAX_ADVERTISE_ADDRESSES
                        + " transports: a node advertises at most that many addresses");
            }
            for (Entry e : entries) {
                if (e.scheme().equals(scheme)) {
                    throw new IllegalArgumentException("scheme " + scheme + " added twice; add each scheme once");
                }
            }
            entries.add(new Entry(scheme, path, bind, streams, datagrams));
            return this;
        }

        /** @return the transports @throws IllegalStateException when none was added */
        public MultiTransport build() {
            if (entries.isEmpty()) {
                throw new IllegalStateException("add at least one transport");
            }
            return new MultiTransport(entries);
        }
    }

    /** Where a packet to one destination goes: the index of the transport and the address there. */
    private record Route(int index, InetSocketAddress to) {
    }

    private final class Streams implements StreamTransport, Addressed {
        private final StreamTransport[] transports;
        private final NodeAddress[] addresses;
        private volatile Function<InetSocketAddress, List<NodeAddress>> book = a -> null;
        private volatile InetSocketAddress at;

        Streams(TransportOptions options) {
            transports = new StreamTransport[entries.size()];
            addresses = new NodeAddress[entries.size()];
            for (int i = 0; i < transports.length; i++) {
                transports[i] = entries.get(i).streams().create(options);
            }
        }

        @Override
        public InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
            for (int i = 0; i < transports.length; i++) {
                Entry e = entries.get(i);
                InetSocketAddress local = transports[i].bind(i == 0 ? address : e.bind(), listener);
                addresses[i] = new NodeAddress(e.scheme(), NodeAddress.udpTcp(local).host(), local.getPort(), e.path());
                if (i == 0) {
                    at = local;
                }
            }
            bound.put(at, this);
            return at;
        }

        @Override
        public List<NodeAddress> boundAddresses() {
            return List.of(addresses);
        }

        @Override
        public void addressBook(Function<InetSocketAddress, List<NodeAddress>> book) {
            this.book = Objects.requireNonNull(book, "book");
        }

        /** @return the route, or null when the destination advertises none of this node's schemes */
        Route route(InetSocketAddress to) {
            List<NodeAddress> theirs = book.apply(to);
            if (theirs == null) {
                return new Route(0, to);
            }
            for (int i = 0; i < transports.length; i++) {
                String scheme = entries.get(i).scheme();
                if (theirs.isEmpty() && scheme.equals(NodeAddress.UDP_TCP)) {
                    return new Route(i, to);
                }
                for (NodeAddress a : theirs) {
                    if (a.scheme().equals(scheme)) {
                        return new Route(i, new InetSocketAddress(a.host(), a.port()));
                    }
                }
            }
            return null;
        }

        private DeliveryException unreachable(InetSocketAddress to) {
            List<String> mine = new ArrayList<>();
            for (Entry e : entries) {
                mine.add(e.scheme());
            }
            return new DeliveryException("the member at " + to + " advertises " + book.apply(to)
                    + ", none with a scheme of this node's transports " + mine + "; add a transport it shares");
        }

        @Override
        public int maxFrameSize() {
            int max = Integer.MAX_VALUE;
            for (StreamTransport t : transports) {
                max = Math.min(max, t.maxFrameSize());
            }
            return max;
        }

        @Override
        public CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer frame) {
            Route r = route(to);
            return r == null ? CompletableFuture.failedFuture(unreachable(to)) : transports[r.index()].sendFrame(r.to(), frame);
        }

        @Override
        public CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer head, ByteBuffer body) {
            Route r = route(to);
            return r == null ? CompletableFuture.failedFuture(unreachable(to)) : transports[r.index()].sendFrame(r.to(), head, body);
        }

        @Override
        public CompletableFuture<StreamChannel> openStream(InetSocketAddress to) {
            Route r = route(to);
            return r == null ? CompletableFuture.failedFuture(unreachable(to)) : transports[r.index()].openStream(r.to());
        }

        @Override
        public void close() {
            InetSocketAddress local = at;
            if (local != null) {
                bound.remove(local, this);
            }
            for (StreamTransport t : transports) {
                t.close();
            }
        }
    }

    private final class Datagrams implements DatagramTransport {
        private final DatagramTransport[] transports;
        private volatile Streams streams;

        Datagrams(TransportOptions options) {
            transports = new DatagramTransport[entries.size()];
            for (int i = 0; i < transports.length; i++) {
                transports[i] = entries.get(i).datagrams().create(options);
            }
        }

        @Override
        public InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
            Streams s = bound.get(address);
            if (s == null) {
                throw new IOException("no stream transport of this MultiTransport is bound to " + address
                        + "; set MultiTransport.streams() as the stream transport next to its datagrams()");
            }
            for (int i = 0; i < transports.length; i++) {
                NodeAddress a = s.addresses[i];
                transports[i].bind(i == 0 ? address : new InetSocketAddress(a.host(), a.port()), listener);
            }
            streams = s;
            return address;
        }

        @Override
        public int maxDatagramSize() {
            int max = Integer.MAX_VALUE;
            for (DatagramTransport t : transports) {
                max = Math.min(max, t.maxDatagramSize());
            }
            return max;
        }

        @Override
        public void send(InetSocketAddress to, ByteBuffer datagram) {
            Streams s = streams;
            Route r = s == null ? null : s.route(to);
            if (r != null) {
                transports[r.index()].send(r.to(), datagram);
            }
        }

        @Override
        public void afterPendingReads(Runnable task) {
            after(0, task);
        }

        /** Waits for each transport's pending reads in turn, from the i-th on. */
        private void after(int i, Runnable task) {
            if (i == transports.length) {
                task.run();
            } else {
                transports[i].afterPendingReads(() -> after(i + 1, task));
            }
        }

        @Override
        public void close() {
            for (DatagramTransport t : transports) {
                t.close();
            }
        }
    }
}
