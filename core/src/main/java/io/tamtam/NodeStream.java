package io.tamtam;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A bidirectional byte stream between two nodes, from {@link Cluster#openStream} or given to a
 * {@link StreamHandler}.
 *
 * <p>Flow control: a writer blocks while the transport's bounded buffers are full, so a slow reader
 * bounds the writer's memory. Closing {@link #outputStream()} half-closes: the remote reads end of
 * stream and may still write. {@link #close()} closes both directions. When the connection breaks or
 * the remote node dies, a blocked read or write fails with an {@link java.io.IOException}.
 */
public interface NodeStream extends AutoCloseable {

    /** @return the node at the other end */
    Node remote();

    /** @return the stream type it was opened with */
    int type();

    /** @return what the remote writes */
    InputStream inputStream();

    /** @return what to send; closing it half-closes */
    OutputStream outputStream();

    /** Closes both directions. Idempotent. */
    @Override
    void close();
}
