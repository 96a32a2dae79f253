package io.tamtam.testkit;

import io.tamtam.spi.StreamChannel;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * One end of a simulated byte stream: two {@link BytePipe}s of 256 KiB, one each way, between real
 * threads. Streams do not run in virtual time: bytes pass as fast as the two threads move them, and
 * reads and writes block those threads for real. Closing it, or a crash of either node, makes blocked
 * reads and writes at both ends fail with an {@link java.io.IOException}.
 */
final class SimStreamChannel implements StreamChannel {

    private final SimStreamTransport owner;
    private final InetSocketAddress remote;
    private final BytePipe in;
    private final BytePipe out;

    SimStreamChannel(SimStreamTransport owner, InetSocketAddress remote, BytePipe in, BytePipe out) {
        this.owner = owner;
        this.remote = remote;
        this.in = in;
        this.out = out;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InputStream inputStream() {
        return in.inputStream();
    }

    @Override
    public OutputStream outputStream() {
        return out.outputStream();
    }

    @Override
    public void close() {
        out.abortWrite();
        in.closeRead();
        owner.forget(this);
    }
}
