package io.tamtam.transport.tcp;

import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Creates bound transports for a test and closes them all afterwards. */
final class Transports implements AutoCloseable {

    static final TransportOptions DEFAULTS = new TransportOptions(1400, 1 << 20,
            Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30));

    private final List<AutoCloseable> open = new ArrayList<>();

    /** A bound transport with its listener and address. */
    record Node(TcpTransport transport, RecordingListener listener, InetSocketAddress address) {
    }

    Node node(String host) {
        return node(host, DEFAULTS);
    }

    Node node(String host, TransportOptions options) {
        TcpTransport transport = new TcpTransport(options);
        open.add(transport);
        RecordingListener listener = new RecordingListener();
        try {
            return new Node(transport, listener, transport.bind(new InetSocketAddress(host, 0), listener));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param resource closed with the transports, before them */
    <T extends AutoCloseable> T add(T resource) {
        open.add(0, resource);
        return resource;
    }

    static TransportOptions with(Duration idleTimeout, Duration writeTimeout, int maxFrameSize) {
        return new TransportOptions(1400, maxFrameSize, Duration.ofSeconds(5), idleTimeout, writeTimeout);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable resource : open) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("cleanup failed", e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
