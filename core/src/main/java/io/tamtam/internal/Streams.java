package io.tamtam.internal;

import io.tamtam.DeliveryException;
import io.tamtam.DropReason;
import io.tamtam.Node;
import io.tamtam.NodeStream;
import io.tamtam.StreamHandler;
import io.tamtam.Subscription;
import io.tamtam.internal.messaging.Messaging;
import io.tamtam.internal.runtime.DaemonThreads;
import io.tamtam.internal.runtime.SharedThreads;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.Packet;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireException;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.spi.Cipher;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Node-to-node byte streams on dedicated stream-path connections. A stream starts with a handshake of
 * two length-prefixed packets (STREAM_OPEN, then STREAM_REPLY) that authenticate the opener as a node
 * of the cluster; after it, the connection carries the user's bytes. Blocking work runs on stream
 * threads, never on protocol, network or callback threads.
 */
final class Streams {
    /** Most inbound streams handled at once; more are refused. */
    static final int MAX_INBOUND = 256;
    /** Most of them from one node: one that opens streams and goes quiet cannot take every slot. */
    static final int MAX_INBOUND_PER_NODE = MAX_INBOUND / 2;
    private static final int MAX_HANDSHAKE_BYTES = 64 * 1024;

    private final ClusterNode node;
    private final StreamTransport transport;
    private final PacketCodec codec;
    private final Map<Integer, StreamHandler> handlers = new ConcurrentHashMap<>();
    private final ExecutorService threads;
    private final ScheduledExecutorService timers;
    private final Semaphore inbound = new Semaphore(MAX_INBOUND);
    /** Inbound streams being handled per opener (entries leave at zero; at most {@link #MAX_INBOUND}). */
    private final Map<java.util.UUID, Integer> inboundByNode = new ConcurrentHashMap<>();
    private final Map<java.util.UUID, java.util.Set<ChannelStream>> open = new ConcurrentHashMap<>();
    private final java.security.SecureRandom nonces = new java.security.SecureRandom();

    Streams(ClusterNode node, StreamTransport transport, PacketCodec codec) {
        this.node = node;
        this.transport = transport;
        this.codec = codec;
        this.threads = Executors.newCachedThreadPool(DaemonThreads.numbered("tamtam-stream"));
        this.timers = SharedThreads.timer();
    }

    Subscription handle(int type, StreamHandler handler) {
        Messaging.checkUserType(type);
        java.util.Objects.requireNonNull(handler, "handler");
        if (handlers.putIfAbsent(type, handler) != null) {
            throw new IllegalStateException("a handler for stream type " + type
                    + " is already registered; close its Subscription first or use another type");
        }
        return () -> handlers.remove(type, handler);
    }

    CompletableFuture<NodeStream> open(Node remote, int type) {
        CompletableFuture<NodeStream> result = new CompletableFuture<>();
        transport.openStream(remote.address()).whenComplete((ch, err) -> {
            if (err != null) {
                node.failAsync(result, new DeliveryException("cannot open a stream to " + remote.id() + ": " + err.getMessage(), err));
                return;
            }
            try {
                threads.execute(() -> handshake(remote, type, ch, result));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                ch.close();
                node.failAsync(result, new DeliveryException("the cluster node is closed"));
            }
        });
        return result;
    }

    /** The opener's side of the handshake, on a stream thread: completes {@code result}. */
    private void handshake(Node remote, int type, StreamChannel ch, CompletableFuture<NodeStream> result) {
        var guard = timers.schedule(ch::close, node.config().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            long openerNonce = nonces.nextLong();
            writePacket(ch, codec.encode(new Message.StreamOpen(type, openerNonce)));
            Packet reply = readPacket(ch);
            guard.cancel(false);
            if (reply.messages().size() != 1 || !(reply.messages().get(0) instanceof Message.StreamReply r)) {
                throw new IOException("unexpected stream handshake answer");
            }
            if (r.status() != WireFormat.STATUS_OK) {
                ch.close();
                node.failAsync(result, new DeliveryException("node " + remote.id() + " refused the stream: " + r.error()));
                return;
            }
            node.completeAsync(result, track(stream(remote, type, ch, openerNonce, r.nonce(), true)));
        } catch (IOException | WireException e) {
            guard.cancel(false);
            ch.close();
            node.failAsync(result, new DeliveryException("stream handshake with " + remote.id() + " failed: " + e.getMessage(), e));
        }
    }

    void accept(StreamChannel ch) {
        if (!inbound.tryAcquire()) {
            ((Stats) node.stats()).drop(DropReason.QUEUE_FULL);
            ch.close();
            return;
        }
        try {
            threads.execute(() -> {
                try {
                    serve(ch);
                } finally {
                    inbound.release();
                }
            });
        } catch (RuntimeException e) {
            inbound.release();
            ch.close();
        }
    }

    private void serve(StreamChannel ch) {
        var guard = timers.schedule(ch::close, node.config().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        Packet open;
        try {
            open = readPacket(ch);
        } catch (IOException e) {
            ch.close();
            return;
        } catch (WireException e) {
            ((Stats) node.stats()).drop(e.reason());
            ch.close();
            return;
        } finally {
            guard.cancel(false);
        }
        try {
            if (open.messages().size() != 1 || !(open.messages().get(0) instanceof Message.StreamOpen o)) {
                ((Stats) node.stats()).drop(DropReason.MALFORMED);
                ch.close();
                return;
            }
            StreamHandler h = handlers.get(o.streamType());
            boolean admitted = h != null && admit(open.sender());
            String refusal = h == null ? "no handler for stream type " + o.streamType()
                    : !admitted ? MAX_INBOUND_PER_NODE + " streams of that node are open here already; close some" : null;
            long acceptorNonce = nonces.nextLong();
            int status = h == null ? WireFormat.STATUS_NO_HANDLER : !admitted ? WireFormat.STATUS_OVERLOADED : WireFormat.STATUS_OK;
            if (h != null && !admitted) {
                ((Stats) node.stats()).drop(DropReason.QUEUE_FULL);
            }
            try {
                writePacket(ch, codec.encode(new Message.StreamReply(status, refusal == null ? "" : refusal, acceptorNonce)));
                if (refusal != null) {
                    ch.close();
                    return;
                }
                ChannelStream stream = track(stream(node.nodeOrPlaceholder(open.sender()), o.streamType(), ch, o.nonce(),
                        acceptorNonce, false));
                try {
                    h.handle(stream);
                } catch (Exception | Error e) {
                    ((Stats) node.stats()).callbackError();
                    node.reportError("stream handler of type " + o.streamType(), e);
                    stream.close();
                }
            } finally {
                if (admitted) {
                    inboundByNode.computeIfPresent(open.sender(), (id, n) -> n == 1 ? null : n - 1);
                }
            }
        } catch (IOException e) {
            ch.close();
        }
    }

    /** @return whether another inbound stream of {@code opener} may be handled now; counts it if so */
    private boolean admit(java.util.UUID opener) {
        boolean[] admitted = {false};
        inboundByNode.compute(opener, (id, n) -> {
            int now = n == null ? 0 : n;
            if (now >= MAX_INBOUND_PER_NODE) {
                return n;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    private static void writePacket(StreamChannel ch, byte[] packet) throws IOException {
        DataOutputStream out = new DataOutputStream(ch.outputStream());
        out.writeInt(packet.length);
        out.write(packet);
        out.flush();
    }

    private Packet readPacket(StreamChannel ch) throws IOException, WireException {
        DataInputStream in = new DataInputStream(ch.inputStream());
        int len = in.readInt();
        if (len < 0 || len > MAX_HANDSHAKE_BYTES) {
            throw new WireException(DropReason.OVERSIZED, "stream handshake of " + len + " bytes");
        }
        byte[] b = new byte[len];
        in.readFully(b);
        Packet p = codec.decode(b, 0, len);
        for (Message m : p.messages()) {
            ((Stats) node.stats()).messageReceived(m);
        }
        return p;
    }

    /**
     * @param opener whether this node opened the stream (it writes direction 0 and reads direction 1)
     * @return the stream; sealed when the cluster has keys
     */
    private ChannelStream stream(Node remote, int type, StreamChannel ch, long openerNonce, long acceptorNonce,
                                 boolean opener) {
        List<Cipher> ciphers = node.ciphers();
        if (ciphers.isEmpty()) {
            return new ChannelStream(remote, type, ch, ch.inputStream(), ch.outputStream(), (Stats) node.stats());
        }
        InputStream in = new SealedStreams.Input(ch.inputStream(), ciphers, openerNonce, acceptorNonce, opener ? 1 : 0);
        OutputStream out = new SealedStreams.Output(ch.outputStream(), ciphers.get(0), openerNonce, acceptorNonce, opener ? 0 : 1);
        return new ChannelStream(remote, type, ch, in, out, (Stats) node.stats());
    }

    private ChannelStream track(ChannelStream s) {
        java.util.UUID id = s.remote().id();
        open.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(s);
        s.onClose = () -> open.computeIfPresent(id, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
        return s;
    }

    /**
     * Fails the streams of a node declared dead or gone: a blocked read or write there would otherwise
     * wait for a TCP timeout that may never come.
     *
     * @param remote the node
     * @param reason why, as the streams' IOException will say
     */
    void closeAll(java.util.UUID remote, String reason) {
        java.util.Set<ChannelStream> set = open.remove(remote);
        if (set != null) {
            for (ChannelStream s : set) {
                s.fail(reason);
            }
        }
    }

    void close() {
        for (java.util.UUID id : open.keySet()) {
            closeAll(id, "the cluster node is closed");
        }
        threads.shutdown();
    }

    /**
     * A {@link NodeStream} over a transport channel. When the cluster closes it because the remote was
     * declared dead, reads and writes fail with an IOException that says so.
     */
    private static final class ChannelStream implements NodeStream {
        private final Node remote;
        private final int type;
        private final StreamChannel channel;
        private final InputStream in;
        private final OutputStream out;
        private volatile String failure;
        volatile Runnable onClose = () -> { };

        ChannelStream(Node remote, int type, StreamChannel channel, InputStream input, OutputStream output, Stats stats) {
            this.remote = remote;
            this.type = type;
            this.channel = channel;
            this.in = new java.io.FilterInputStream(input) {
                @Override
                public int read() throws IOException {
                    try {
                        int b = super.read();
                        if (b >= 0) {
                            stats.streamRead(1);
                        }
                        return b;
                    } catch (IOException e) {
                        throw explained(e);
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                            stats.streamRead(n);
                        }
                        return n;
                    } catch (IOException e) {
                        throw explained(e);
                    }
                }
            };
            this.out = new java.io.FilterOutputStream(output) {
                @Override
                public void write(int b) throws IOException {
                    try {
                        super.out.write(b);
                        stats.streamWritten(1);
                    } catch (IOException e) {
                        throw explained(e);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try {
                        super.out.write(b, off, len);
                        stats.streamWritten(len);
                    } catch (IOException e) {
                        throw explained(e);
                    }
                }

                @Override
                public void flush() throws IOException {
                    try {
                        super.out.flush();
                    } catch (IOException e) {
                        throw explained(e);
                    }
                }

                @Override
                public void close() throws IOException {
                    super.out.close();
                }
            };
        }

        private IOException explained(IOException e) {
            String f = failure;
            return f == null ? e : new IOException(f, e);
        }

        void fail(String reason) {
            failure = reason;
            close();
        }

        @Override
        public Node remote() {
            return remote;
        }

        @Override
        public int type() {
            return type;
        }

        @Override
        public InputStream inputStream() {
            return in;
        }

        @Override
        public OutputStream outputStream() {
            return out;
        }

        @Override
        public void close() {
            channel.close();
            onClose.run();
        }
    }
}
