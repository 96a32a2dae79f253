package io.tamtam.testkit.faults;

import io.tamtam.DropReason;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import io.tamtam.spi.Transports;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One node's real UDP and TCP transports, wrapped by an injector and bound to one loopback port, with
 * everything they receive recorded.
 */
final class Wrapped implements AutoCloseable {

    static final TransportOptions OPTIONS = new TransportOptions(1400, 1 << 20,
            Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30));

    final DatagramTransport datagrams;
    final StreamTransport streams;
    final InetSocketAddress address;
    final List<String> datagramsIn = new CopyOnWriteArrayList<>();
    final List<String> framesIn = new CopyOnWriteArrayList<>();
    final List<DropReason> drops = new CopyOnWriteArrayList<>();
    final BlockingQueue<StreamChannel> streamsIn = new LinkedBlockingQueue<>();

    private Wrapped(DatagramTransport datagrams, StreamTransport streams, InetSocketAddress address) {
        this.datagrams = datagrams;
        this.streams = streams;
        this.address = address;
    }

    /** Binds a node's two transports on one free loopback port, as a cluster does. */
    static Wrapped bind(FaultInjector faults) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            StreamTransport st = faults.streams(Transports.defaultStreamFactory()).create(OPTIONS);
            DatagramTransport dt = faults.datagrams(Transports.defaultDatagramFactory()).create(OPTIONS);
            Wrapped[] self = new Wrapped[1];
            Recorder recorder = new Recorder(self);
            try {
                InetSocketAddress bound = st.bind(new InetSocketAddress("127.0.0.1", 0), recorder);
                dt.bind(bound, (sender, datagram) -> self[0].datagramsIn.add(text(datagram)));
                self[0] = new Wrapped(dt, st, bound);
                return self[0];
            } catch (IOException e) {
                dt.close();
                st.close();
                last = e;
            }
        }
        throw last;
    }

    static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    static String text(ByteBuffer bytes) {
        byte[] b = new byte[bytes.remaining()];
        bytes.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    void send(Wrapped to, String text) {
        datagrams.send(to.address, utf8(text));
    }

    @Override
    public void close() {
        datagrams.close();
        streams.close();
        StreamChannel s;
        while ((s = streamsIn.poll()) != null) {
            s.close();
        }
    }

    /** Records inbound frames and streams; the node is known once both transports are bound. */
    private record Recorder(Wrapped[] self) implements StreamTransport.Listener {
        @Override
        public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
            self[0].framesIn.add(text(frame));
        }

        @Override
        public void onStream(StreamChannel stream) {
            self[0].streamsIn.add(stream);
        }

        @Override
        public void onDropped(InetSocketAddress remote, DropReason reason) {
            self[0].drops.add(reason);
        }
    }
}
