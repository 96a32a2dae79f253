package io.tamtam.transport.tcp.cluster;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;
import io.tamtam.internal.wire.DeflateCompressor;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import io.tamtam.transport.tcp.TcpTransport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A datagram's body may decompress to {@code min(maxFrameSize, 32 x maxDatagramSize)} bytes, a frame's to
 * maxFrameSize (PROTOCOL.md §3): with a compressor whose ratio exceeds 32 (Deflate on zeros), the same
 * packet is dropped as BAD_COMPRESSION when it comes as a datagram and handled when it comes as a frame.
 */
class DecompressionBoundClusterTest {

    private static final MessageType<byte[]> BYTES = MessageType.of(1000, byte[].class);
    private final Nodes nodes = new Nodes();
    private TcpTransport sender;

    @AfterEach
    void close() {
        if (sender != null) {
            sender.close();
        }
        nodes.close();
    }

    /** A transport that only sends. */
    private static final class Silent implements StreamTransport.Listener {
        @Override
        public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
        }

        @Override
        public void onStream(StreamChannel stream) {
            stream.close();
        }

        @Override
        public void onDropped(InetSocketAddress remote, DropReason reason) {
        }
    }

    @Test
    void aDatagramThatDecompressesBeyondItsBoundIsDroppedAndTheSameFrameIsHandled() throws Exception {
        ClusterConfig.Builder config = ClusterConfig.local().compressor(new DeflateCompressor());
        List<Cluster> pair = nodes.cluster(2, config);
        Cluster from = pair.get(0);
        Cluster target = pair.get(1);
        Queue<Integer> received = new ConcurrentLinkedQueue<>();
        target.handle(BYTES, p -> received.add(p.payload().length));
        ClusterConfig settings = config.build();
        int bound = PacketCodec.datagramDecodeLimit(settings.maxDatagramSize(), settings.maxFrameSize());
        PacketCodec codec = new PacketCodec(from.localNode().id(), new DeflateCompressor(), 0, List.of(),
                settings.maxFrameSize());
        byte[] within = codec.encode(new Message.User(BYTES.id(), new byte[bound / 2]));
        byte[] beyond = codec.encode(new Message.User(BYTES.id(), new byte[bound + 1]));
        assertTrue(beyond.length <= settings.maxDatagramSize(), "the packet fits a datagram: " + beyond.length);
        InetSocketAddress to = Nodes.address(target);

        long dropped = target.stats().dropped(DropReason.BAD_COMPRESSION);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.send(new DatagramPacket(within, within.length, to));
            await().atMost(Duration.ofSeconds(10)).until(() -> received.contains(bound / 2));
            socket.send(new DatagramPacket(beyond, beyond.length, to));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> target.stats().dropped(DropReason.BAD_COMPRESSION) == dropped + 1);

        sender = new TcpTransport(new TransportOptions(settings.maxDatagramSize(), settings.maxFrameSize(),
                Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30)));
        sender.bind(new InetSocketAddress("127.0.0.1", 0), new Silent());
        sender.sendFrame(to, ByteBuffer.wrap(beyond)).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains(bound + 1));
        assertEquals(List.of(bound / 2, bound + 1), List.copyOf(received));
        assertEquals(dropped + 1, target.stats().dropped(DropReason.BAD_COMPRESSION));
    }
}
