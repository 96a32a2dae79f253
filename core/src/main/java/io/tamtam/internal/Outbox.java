package io.tamtam.internal;

import io.tamtam.ClusterStats;
import io.tamtam.DeliveryException;
import io.tamtam.internal.peer.Peer;
import io.tamtam.internal.peer.Peers;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamTransport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends packets, choosing the path by size: a packet that fits the datagram limit after compression
 * and encryption goes by datagram, a larger one by a stream-path frame. A burst of datagrams to one
 * destination beyond {@link io.tamtam.ClusterConfig#datagramBurstLimit()} per {@link #BURST_WINDOW_NANOS}
 * spills onto the stream path too: a receiver's socket buffer holds only a few thousand datagrams, and what a burst overflows
 * would be lost, while the stream path has flow control. Thread-safe.
 */
public final class Outbox {
    /** The burst window: 10 ms. */
    static final long BURST_WINDOW_NANOS = 10_000_000L;

    private final Peers peers;
    private final int burstLimit;
    private final io.tamtam.spi.NanoClock clock;
    private final PacketCodec codec;
    private final DatagramTransport datagrams;
    private final StreamTransport streams;
    private final Stats stats;
    private final int maxDatagram;
    private final int maxFrame;

    /**
     * @param codec       packet codec
     * @param datagrams   datagram path
     * @param streams     stream path
     * @param stats       counters
     * @param maxDatagram datagram limit
     * @param maxFrame    frame limit
     * @param clock       measures bursts
     * @param peers       the members' sessions, which keep each destination's burst window
     * @param burstLimit  datagrams to one destination per window before packets spill; 0 for never
     */
    public Outbox(PacketCodec codec, DatagramTransport datagrams, StreamTransport streams, Stats stats,
                  int maxDatagram, int maxFrame, io.tamtam.spi.NanoClock clock, Peers peers, int burstLimit) {
        this.clock = clock;
        this.peers = peers;
        this.burstLimit = burstLimit;
        this.codec = codec;
        this.datagrams = datagrams;
        this.streams = streams;
        this.stats = stats;
        this.maxDatagram = Math.min(maxDatagram, datagrams.maxDatagramSize());
        this.maxFrame = maxFrame;
    }

    /** @return the packet codec */
    public PacketCodec codec() {
        return codec;
    }

    /** @return bytes of items (plus per-item overhead) that fit one datagram */
    public int datagramBudget() {
        return maxDatagram - codec.overhead() - 1;
    }

    /**
     * Sends items in one packet, best effort, by the path its size calls for.
     *
     * @param to    destination
     * @param items encoded messages
     */
    public void sendItems(InetSocketAddress to, List<byte[]> items) {
        byte[] packet = codec.encodeItems(items);
        if (packet.length <= maxDatagram && withinBurst(to)) {
            stats.sent(ClusterStats.Path.DATAGRAM, packet.length);
            datagrams.send(to, ByteBuffer.wrap(packet));
        } else if (packet.length <= maxFrame) {
            stats.sent(ClusterStats.Path.FRAME, packet.length);
            streams.sendFrame(to, ByteBuffer.wrap(packet));
        } else {
            stats.drop(io.tamtam.DropReason.OVERSIZED);
        }
    }

    /** @return the largest datagram sent, in bytes */
    public int maxDatagram() {
        return maxDatagram;
    }

    /**
     * @param task run once the datagrams waiting in this node's socket now have been read (see
     *             {@link DatagramTransport#afterPendingReads}); on the transport's thread
     */
    public void afterPendingReads(Runnable task) {
        datagrams.afterPendingReads(task);
    }

    /**
     * Sends a packet by datagram, whatever the burst window says.
     *
     * @param to     destination
     * @param packet an encoded packet of at most {@link #maxDatagram()} bytes
     */
    public void sendDatagram(InetSocketAddress to, byte[] packet) {
        stats.sent(ClusterStats.Path.DATAGRAM, packet.length);
        datagrams.send(to, ByteBuffer.wrap(packet));
    }

    /**
     * Destinations that are not members (a joining node, the source of a ping) keep no burst state: they
     * get the few protocol answers that are all this node sends them, by datagram.
     */
    private boolean withinBurst(InetSocketAddress to) {
        if (burstLimit == 0) {
            return true;
        }
        Peer p = peers.at(to);
        return p == null || p.withinBurst(clock.nanoTime(), BURST_WINDOW_NANOS, burstLimit);
    }

    /**
     * @param to destination
     * @param m  the message, best effort
     */
    public void send(InetSocketAddress to, Message m) {
        sendItems(to, List.of(PacketCodec.item(m)));
    }

    /**
     * Sends one message as a frame on the stream path.
     *
     * @param to destination
     * @param m  the message
     * @return completes when written; fails with a {@link DeliveryException} naming the reason
     */
    public CompletableFuture<Void> sendFrame(InetSocketAddress to, Message m) {
        return sendFrameParts(to, codec.encodeFrame(m));
    }

    /**
     * Sends items in one packet as a frame on the stream path.
     *
     * @param to    destination
     * @param items encoded messages, 1 to 255
     * @return completes when written
     */
    public CompletableFuture<Void> sendFrameItems(InetSocketAddress to, List<byte[]> items) {
        return sendFramePacket(to, codec.encodeItems(items));
    }

    /**
     * @param to     destination
     * @param packet an encoded packet
     * @return completes when written
     */
    public CompletableFuture<Void> sendFramePacket(InetSocketAddress to, byte[] packet) {
        if (packet.length > maxFrame) {
            return CompletableFuture.failedFuture(new DeliveryException("message of " + packet.length
                    + " bytes exceeds maxFrameSize " + maxFrame + "; raise ClusterConfig.maxFrameSize or use a stream"));
        }
        stats.sent(ClusterStats.Path.FRAME, packet.length);
        return streams.sendFrame(to, ByteBuffer.wrap(packet));
    }

    /**
     * @param to     destination
     * @param packet a packet from {@link PacketCodec#encodeFrame}
     * @return completes when written
     */
    public CompletableFuture<Void> sendFrameParts(InetSocketAddress to, PacketCodec.Parts packet) {
        if (packet.body().length == 0) {
            return sendFramePacket(to, packet.head());
        }
        int length = packet.length();
        if (length > maxFrame) {
            return CompletableFuture.failedFuture(new DeliveryException("message of " + length
                    + " bytes exceeds maxFrameSize " + maxFrame + "; raise ClusterConfig.maxFrameSize or use a stream"));
        }
        stats.sent(ClusterStats.Path.FRAME, length);
        return streams.sendFrame(to, ByteBuffer.wrap(packet.head()), ByteBuffer.wrap(packet.body()));
    }

    /**
     * Sends one message by whichever path fits, best effort.
     *
     * @param to destination
     * @param m  the message
     * @return completes when handed to the transport
     */
    public CompletableFuture<Void> sendAny(InetSocketAddress to, Message m) {
        byte[] packet = codec.encode(m);
        if (packet.length <= maxDatagram && withinBurst(to)) {
            stats.sent(ClusterStats.Path.DATAGRAM, packet.length);
            datagrams.send(to, ByteBuffer.wrap(packet));
            return CompletableFuture.completedFuture(null);
        }
        return sendFramePacket(to, packet);
    }

    /** @return bytes a compound packet adds per item beyond the item itself */
    public static int perItemOverhead() {
        return WireFormat.COMPOUND_ITEM_OVERHEAD - 1;
    }
}
