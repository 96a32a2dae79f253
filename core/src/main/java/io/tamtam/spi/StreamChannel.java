package io.tamtam.spi;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * A connected, bidirectional byte stream with flow control.
 *
 * <p>Reads block until bytes arrive, the remote half-closes (end of stream) or the connection fails
 * (an {@link java.io.IOException}). Writes block while the transport's bounded buffer is full, so a
 * slow reader bounds the writer's memory. {@code outputStream().close()} half-closes: the remote reads
 * end of stream and may still write back. {@link #close()} closes both directions; a blocked read or
 * write on either side then fails with an {@link java.io.IOException} rather than hanging.
 */
public interface StreamChannel extends AutoCloseable {

    /** @return the remote end of the connection */
    InetSocketAddress remoteAddress();

    /** @return the bytes the remote writes; the same instance on every call */
    InputStream inputStream();

    /** @return the bytes to send; the same instance on every call; close() half-closes */
    OutputStream outputStream();

    /** Closes both directions. Idempotent. */
    @Override
    void close();
}
