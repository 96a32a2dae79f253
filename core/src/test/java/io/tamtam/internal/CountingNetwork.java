package io.tamtam.internal;

import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** Counts the datagrams handed to it, sends nothing; frames complete at once. For unit tests. */
public final class CountingNetwork implements DatagramTransport, StreamTransport {
    /** Datagrams handed to {@link #send}. */
    public int datagrams;

    @Override
    public InetSocketAddress bind(InetSocketAddress address, DatagramTransport.Listener listener) {
        return address;
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address, StreamTransport.Listener listener) {
        return address;
    }

    @Override
    public int maxDatagramSize() {
        return 1400;
    }

    @Override
    public void send(InetSocketAddress to, ByteBuffer datagram) {
        datagrams++;
    }

    @Override
    public int maxFrameSize() {
        return 1 << 20;
    }

    @Override
    public CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer frame) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<StreamChannel> openStream(InetSocketAddress to) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }

    @Override
    public void close() {
    }
}
