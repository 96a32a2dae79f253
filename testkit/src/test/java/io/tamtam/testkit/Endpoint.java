package io.tamtam.testkit;

import io.tamtam.DropReason;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A simulated node without a cluster, its two transports bound, recording what it receives. */
final class Endpoint {

    static final TransportOptions OPTIONS = new TransportOptions(1400, 64 * 1024, Duration.ofSeconds(3),
            Duration.ofSeconds(15), Duration.ofSeconds(10));

    final SimNode node;
    final SimDatagramTransport datagrams;
    final SimStreamTransport streams;
    /** "virtual ms payload" per datagram received. */
    final List<String> receivedDatagrams = new ArrayList<>();
    /** "virtual ms payload" per frame received. */
    final List<String> receivedFrames = new ArrayList<>();
    final List<DropReason> dropped = new ArrayList<>();
    final List<StreamChannel> accepted = new ArrayList<>();

    private Endpoint(SimNetwork net, TransportOptions options) {
        node = net.addBareNode();
        datagrams = new SimDatagramTransport(net, node, options);
        streams = new SimStreamTransport(net, node, options);
        VirtualClock clock = net.clock();
        try {
            streams.bind(node.address(), new StreamTransport.Listener() {
                @Override
                public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
                    receivedFrames.add(clock.millis() + " " + text(frame));
                }

                @Override
                public void onStream(StreamChannel stream) {
                    accepted.add(stream);
                }

                @Override
                public void onDropped(InetSocketAddress remote, DropReason reason) {
                    dropped.add(reason);
                }
            });
            datagrams.bind(new InetSocketAddress(node.address().getAddress(), 0), new DatagramTransport.Listener() {
                @Override
                public void onDatagram(InetSocketAddress from, ByteBuffer d) {
                    receivedDatagrams.add(clock.millis() + " " + text(d));
                }

                @Override
                public void onDropped(InetSocketAddress from, DropReason reason) {
                    dropped.add(reason);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Endpoint create(SimNetwork net) {
        return new Endpoint(net, OPTIONS);
    }

    static Endpoint create(SimNetwork net, TransportOptions options) {
        return new Endpoint(net, options);
    }

    void send(Endpoint to, String text) {
        datagrams.send(to.node.address(), bytes(text));
    }

    static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    static String text(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }
}
