package io.tamtam.internal.transfer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What a transfer reads its parts from, in order, from the start. */
interface PartSource extends AutoCloseable {
    /**
     * @param into filled completely
     * @throws IOException when the source cannot be read or ends first
     */
    void readFully(byte[] into) throws IOException;

    @Override
    void close() throws IOException;

    /**
     * @param file a regular file
     * @return reads it
     * @throws IOException when it cannot be opened
     */
    static PartSource of(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        return new PartSource() {
            @Override
            public void readFully(byte[] into) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(into);
                while (b.hasRemaining()) {
                    if (ch.read(b) < 0) {
                        throw new EOFException(file + " is shorter than when the transfer started");
                    }
                }
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    /**
     * @param in a stream
     * @return reads it
     */
    static PartSource of(InputStream in) {
        return new PartSource() {
            @Override
            public void readFully(byte[] into) throws IOException {
                int n = in.readNBytes(into, 0, into.length);
                if (n < into.length) {
                    throw new EOFException("the stream ended before the size given to send");
                }
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
