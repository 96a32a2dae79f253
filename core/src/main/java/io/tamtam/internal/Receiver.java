package io.tamtam.internal;

import io.tamtam.ClusterConfig;
import io.tamtam.ClusterStats;
import io.tamtam.DropReason;
import io.tamtam.internal.runtime.ByteBudget;
import io.tamtam.internal.runtime.SerialExecutor;
import io.tamtam.internal.runtime.Workers;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.Packet;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireException;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.Scheduler;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The inbound side of a node: hears both transports, decodes each packet and routes its messages
 * through the {@link Dispatch} table, on the receiving thread or on the protocol thread as each kind's
 * owner registered. Bounded: packets waiting for the protocol thread ({@link #MAX_PROTOCOL_BACKLOG},
 * {@link #MAX_PROTOCOL_BACKLOG_BYTES}) and frames waiting for the decoding pool
 * ({@link #MAX_LARGE_FRAME_BYTES}); past either, packets are dropped and counted as QUEUE_FULL (a flood
 * must not grow the heap; SWIM tolerates loss). Frames above {@link #LARGE_FRAME} are decrypted,
 * decompressed and decoded on the JVM-wide {@link Workers}, not on the event loop every node shares;
 * when the transport lends the frame's buffer ({@link StreamTransport.Listener#onLargeFrame}) they are
 * authenticated and decoded straight from it, without a copy, and the transport's inbound memory bound
 * covers them until then.
 */
final class Receiver implements StreamTransport.Listener, DatagramTransport.Listener {
    /** Most inbound packets waiting for the protocol thread. */
    static final int MAX_PROTOCOL_BACKLOG = 65_536;
    /** Most bytes of inbound packets waiting for the protocol thread: 32 MiB. */
    static final long MAX_PROTOCOL_BACKLOG_BYTES = 32L << 20;
    /** Frames larger than this are decoded on the shared workers: 64 KiB. */
    static final int LARGE_FRAME = 64 * 1024;
    /** Most bytes of frames waiting for the workers: 64 MiB. */
    static final long MAX_LARGE_FRAME_BYTES = 64L << 20;

    private final ByteBudget protocolBacklog = new ByteBudget(MAX_PROTOCOL_BACKLOG_BYTES, MAX_PROTOCOL_BACKLOG);
    private final ByteBudget largeFrameBacklog = new ByteBudget(MAX_LARGE_FRAME_BYTES, MAX_PROTOCOL_BACKLOG);
    /**
     * Decodes large frames in arrival order; while it is busy, smaller frames queue behind it too, so that
     * frames from one connection are decoded in the order they came.
     */
    private final SerialExecutor frameLane = new SerialExecutor(Workers.shared());
    private final UUID self;
    private final int maxDatagramSize;
    private final int maxFrameSize;
    private final PacketCodec codec;
    private final Dispatch dispatch;
    private final Scheduler scheduler;
    private final Stats stats;
    private final BooleanSupplier open;
    private final Consumer<StreamChannel> streams;
    private final BiConsumer<String, Throwable> errors;

    /**
     * @param self      this node's id (its own packets are ignored)
     * @param config    the limits of both paths
     * @param codec     decodes packets
     * @param dispatch  routes messages
     * @param scheduler the protocol thread
     * @param stats     counters
     * @param open      whether the node takes traffic (constructed and not closed)
     * @param streams   takes inbound streams
     * @param errors    receives transport failures
     */
    Receiver(UUID self, ClusterConfig config, PacketCodec codec, Dispatch dispatch, Scheduler scheduler, Stats stats,
             BooleanSupplier open, Consumer<StreamChannel> streams, BiConsumer<String, Throwable> errors) {
        this.self = self;
        this.maxDatagramSize = config.maxDatagramSize();
        this.maxFrameSize = config.maxFrameSize();
        this.codec = codec;
        this.dispatch = dispatch;
        this.scheduler = scheduler;
        this.stats = stats;
        this.open = open;
        this.streams = streams;
        this.errors = errors;
    }

    /** @return the packets waiting for the protocol thread */
    ByteBudget protocolBacklog() {
        return protocolBacklog;
    }

    @Override
    public void onDatagram(InetSocketAddress from, ByteBuffer datagram) {
        int len = datagram.remaining();
        if (len > maxDatagramSize) {
            stats.drop(DropReason.OVERSIZED);
            return;
        }
        byte[] bytes = new byte[len];
        datagram.get(bytes);
        onPacket(bytes, 0, len, null, from, false);
    }

    @Override
    public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
        int len = frame.remaining();
        if (len > maxFrameSize) {
            stats.drop(DropReason.OVERSIZED);
            return;
        }
        byte[] bytes = new byte[len];
        frame.get(bytes);
        if (len <= LARGE_FRAME && !frameLane.busy()) {
            onPacket(bytes, 0, len, null, remote, true);
            return;
        }
        if (!largeFrameBacklog.tryAcquire(len)) {
            stats.drop(DropReason.QUEUE_FULL);
            return;
        }
        frameLane.execute(() -> {
            largeFrameBacklog.release(len);
            onPacket(bytes, 0, len, null, remote, true);
        });
    }

    /**
     * A large frame from a transport that lends its buffer: decoded on the workers straight from that
     * buffer, which goes back to the transport (and out of its inbound memory bound) once decoded.
     */
    @Override
    public void onLargeFrame(InetSocketAddress remote, ByteBuffer frame, Runnable release) {
        int len = frame.remaining();
        if (len > maxFrameSize || !frame.hasArray()) {
            try {
                onFrame(remote, frame);
            } finally {
                release.run();
            }
            return;
        }
        decodeLater(frame, null, remote, release);
    }

    /**
     * The array for a large frame's trailing payload when the frame holds one plain message that ends with
     * one ({@link PacketCodec#payloadArrayFor}): the transport receives the payload straight into the
     * array the message keeps.
     */
    @Override
    public byte[] largeFrameTail(InetSocketAddress remote, ByteBuffer head, int frameLength) {
        if (frameLength > maxFrameSize || !head.hasArray() || !open.getAsBoolean()) {
            return null;
        }
        return codec.payloadArrayFor(head.array(), head.arrayOffset() + head.position(), head.remaining(), frameLength);
    }

    /** A large frame received in two parts: decoded on the workers, its tail becoming the payload as it is. */
    @Override
    public void onLargeFrame(InetSocketAddress remote, ByteBuffer head, byte[] tail, Runnable release) {
        if ((long) head.remaining() + tail.length > maxFrameSize || !head.hasArray()) {
            StreamTransport.Listener.super.onLargeFrame(remote, head, tail, release);
            return;
        }
        decodeLater(head, tail, remote, release);
    }

    private void decodeLater(ByteBuffer frame, byte[] tail, InetSocketAddress remote, Runnable release) {
        byte[] bytes = frame.array();
        int offset = frame.arrayOffset() + frame.position();
        int length = frame.remaining();
        try {
            frameLane.execute(() -> {
                try {
                    onPacket(bytes, offset, length, tail, remote, true);
                } finally {
                    release.run();
                }
            });
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }

    @Override
    public void onStream(StreamChannel stream) {
        if (!open.getAsBoolean()) {
            stream.close();
            return;
        }
        streams.accept(stream);
    }

    @Override
    public void onDropped(InetSocketAddress remote, DropReason reason) {
        stats.drop(reason);
    }

    @Override
    public void onDropped(InetSocketAddress remote, DropReason reason, long count) {
        stats.drop(reason, count);
    }

    @Override
    public void onFailure(String context, Throwable error) {
        errors.accept(context, error);
    }

    /**
     * @param tail the packet's last bytes, received apart from the rest ({@link #largeFrameTail}), or null
     */
    private void onPacket(byte[] bytes, int offset, int headLength, byte[] tail, InetSocketAddress from,
                          boolean viaFrame) {
        if (!open.getAsBoolean()) {
            return;
        }
        int length = headLength + (tail == null ? 0 : tail.length);
        Packet packet;
        try {
            packet = codec.decode(bytes, offset, headLength, tail, viaFrame ? maxFrameSize
                    : PacketCodec.datagramDecodeLimit(maxDatagramSize, maxFrameSize));
        } catch (WireException e) {
            stats.drop(e.reason());
            return;
        } catch (RuntimeException e) {
            stats.drop(DropReason.MALFORMED);
            return;
        }
        UUID sender = packet.sender();
        if (sender.equals(self)) {
            return;
        }
        List<Message> messages = packet.messages();
        Dispatch.Route[] routes = new Dispatch.Route[messages.size()];
        boolean forProtocol = false;
        boolean urgent = false;
        for (int i = 0; i < routes.length; i++) {
            routes[i] = dispatch.route(messages.get(i));
            if (routes[i] == null) {
                stats.drop(DropReason.MALFORMED);
                return;
            }
            forProtocol |= routes[i].protocolThread();
            urgent |= routes[i].urgent();
        }
        // What the packet holds while it waits: its decoded body (decompressed, it can be far more than
        // its length on the wire), or the received bytes its messages may be views of.
        int held = Math.max(length, packet.bodyBytes());
        if (forProtocol && !protocolBacklog.tryAcquire(held)) {
            stats.drop(DropReason.QUEUE_FULL);
            return;
        }
        stats.received(viaFrame ? ClusterStats.Path.FRAME : ClusterStats.Path.DATAGRAM, length);
        stats.messagesReceived(messages);
        for (int i = 0; i < routes.length; ) {
            Dispatch.Route route = routes[i];
            if (route.protocolThread()) {
                i++;
                continue;
            }
            int end = i + 1;
            if (route.batch() != null) {
                while (end < routes.length && routes[end] == route) {
                    end++;
                }
            }
            if (end - i > 1) {
                route.batch().handle(messages.subList(i, end), sender, from, viaFrame);
            } else {
                route.handler().handle(messages.get(i), sender, from, viaFrame);
            }
            i = end;
        }
        if (forProtocol) {
            Runnable task = () -> {
                protocolBacklog.release(held);
                for (int i = 0; i < routes.length && open.getAsBoolean(); i++) {
                    if (routes[i].protocolThread()) {
                        routes[i].handler().handle(messages.get(i), sender, from, viaFrame);
                    }
                }
            };
            if (urgent) {
                scheduler.executeUrgent(task);
            } else {
                scheduler.execute(task);
            }
        }
    }
}
