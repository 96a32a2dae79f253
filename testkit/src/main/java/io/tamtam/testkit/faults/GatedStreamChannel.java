package io.tamtam.testkit.faults;

import io.tamtam.spi.StreamChannel;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * A stream whose reads and writes stall while its link is cut or either end is frozen, and go on when the
 * fault ends; closing it ends a stalled call with an {@link IOException}.
 */
final class GatedStreamChannel implements StreamChannel {

    private final FaultInjector injector;
    private final StreamChannel inner;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final InputStream in;
    private final OutputStream out;
    private volatile boolean closed;

    /**
     * @param local  the bound address of this end's node
     * @param remote the other end: its node's address, or the connection's remote end for an accepted stream
     */
    GatedStreamChannel(FaultInjector injector, StreamChannel inner, InetSocketAddress local, InetSocketAddress remote) {
        this.injector = injector;
        this.inner = inner;
        this.local = local;
        this.remote = remote;
        this.in = new In(inner.inputStream());
        this.out = new Out(inner.outputStream());
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return inner.remoteAddress();
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
        closed = true;
        injector.wakeStreams();
        inner.close();
    }

    private void await(InetSocketAddress from, InetSocketAddress to) throws IOException {
        try {
            injector.awaitOpen(() -> !closed && !injector.isClosed()
                    && injector.rules().verdict(from, to, false) < 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the fault injector stalls the stream " + from + " -> " + to);
        }
        if (closed) {
            throw new IOException("the stream " + from + " -> " + to + " was closed");
        }
    }

    /** Reads: stall while the remote end's direction to this end is blocked. */
    private final class In extends InputStream {
        private final InputStream delegate;

        In(InputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public int read() throws IOException {
            await(remote, local);
            int b = delegate.read();
            await(remote, local);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            await(remote, local);
            int n = delegate.read(b, off, len);
            await(remote, local);
            return n;
        }

        @Override
        public int available() throws IOException {
            return delegate.available();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }

    /** Writes: stall while this end's direction to the remote end is blocked. */
    private final class Out extends OutputStream {
        private final OutputStream delegate;

        Out(OutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            await(local, remote);
            delegate.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            await(local, remote);
            delegate.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            await(local, remote);
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
