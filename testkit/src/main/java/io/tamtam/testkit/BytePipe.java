package io.tamtam.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * One direction of a simulated stream: a bounded ring buffer between a writing thread and a reading
 * thread. Writes block while it is full, reads while it is empty. The writer may half-close it (the
 * reader then reads what is left and end of stream) or abort it (the reader reads what is left, then an
 * {@link IOException}); the reader may close its end (the writer then fails).
 */
final class BytePipe {

    /** Bytes a pipe buffers before its writer blocks. */
    static final int CAPACITY = 256 * 1024;

    private final byte[] buffer = new byte[CAPACITY];
    private int head;
    private int count;
    private boolean writeClosed;
    private boolean writeAborted;
    private boolean readClosed;

    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = BytePipe.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            return BytePipe.this.read(b, off, len);
        }

        @Override
        public int available() {
            return BytePipe.this.available();
        }

        @Override
        public void close() {
            closeRead();
        }
    };

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            BytePipe.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            BytePipe.this.write(b, off, len);
        }

        @Override
        public void close() {
            closeWrite();
        }
    };

    InputStream inputStream() {
        return in;
    }

    OutputStream outputStream() {
        return out;
    }

    synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (readClosed) {
                throw new IOException("stream closed");
            }
            if (count > 0) {
                int n = Math.min(len, count);
                int first = Math.min(n, CAPACITY - head);
                System.arraycopy(buffer, head, b, off, first);
                System.arraycopy(buffer, 0, b, off + first, n - first);
                head = (head + n) % CAPACITY;
                count -= n;
                notifyAll();
                return n;
            }
            if (writeClosed) {
                return -1;
            }
            if (writeAborted) {
                throw new IOException("stream closed by the remote end");
            }
            awaitChange();
        }
    }

    synchronized int available() {
        return readClosed ? 0 : count;
    }

    synchronized void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (writeClosed || writeAborted) {
                throw new IOException("stream closed for writing");
            }
            if (readClosed) {
                throw new IOException("stream closed by the remote end");
            }
            int space = CAPACITY - count;
            if (space == 0) {
                awaitChange();
                continue;
            }
            int n = Math.min(space, len);
            int tail = (head + count) % CAPACITY;
            int first = Math.min(n, CAPACITY - tail);
            System.arraycopy(b, off, buffer, tail, first);
            System.arraycopy(b, off + first, buffer, 0, n - first);
            count += n;
            off += n;
            len -= n;
            notifyAll();
        }
    }

    /** Half-close: the reader gets end of stream once it has read what is buffered. */
    synchronized void closeWrite() {
        if (!writeAborted) {
            writeClosed = true;
        }
        notifyAll();
    }

    /** The writer's end closed without a half-close: the reader fails once the buffer is drained. */
    synchronized void abortWrite() {
        if (!writeClosed) {
            writeAborted = true;
        }
        notifyAll();
    }

    /** The reader's end closed: buffered bytes are discarded and the writer fails. */
    synchronized void closeRead() {
        readClosed = true;
        count = 0;
        notifyAll();
    }

    private void awaitChange() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on a simulated stream");
        }
    }
}
