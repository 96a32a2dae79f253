package io.tamtam.internal;

import io.tamtam.spi.Cipher;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Encryption of dedicated streams in a cluster with keys (PROTOCOL.md §12.3): each direction is a run
 * of sealed chunks {@code u32 length ‖ cipher(u8 final ‖ data)}, authenticated with both session nonces,
 * the direction and the chunk index, so chunks cannot be reordered, dropped, cut short or replayed
 * from another stream without the read failing.
 */
final class SealedStreams {
    /** Most user bytes in one chunk. */
    static final int CHUNK = 64 * 1024;
    /**
     * Full chunks sealed before they are written on together: each write to the transport is handed to
     * its event loop, so fewer, larger writes cost fewer hand-offs between threads.
     */
    static final int CHUNKS_PER_WRITE = 4;

    /** Most buffers kept for later streams: 16, 1.4 MiB with the 28-byte AES-GCM overhead. */
    static final int KEPT_BUFFERS = 16;
    private static final java.util.ArrayDeque<byte[]> KEPT = new java.util.ArrayDeque<>();

    private SealedStreams() {
    }

    /** @return a buffer of {@code n} bytes, one an earlier stream left when there is one */
    static byte[] takeBuffer(int n) {
        synchronized (KEPT) {
            for (java.util.Iterator<byte[]> it = KEPT.iterator(); it.hasNext(); ) {
                byte[] b = it.next();
                if (b.length == n) {
                    it.remove();
                    return b;
                }
            }
        }
        return new byte[n];
    }

    /** @param b a buffer no stream uses any more, kept for a later stream while fewer than the bound are */
    static void keepBuffer(byte[] b) {
        synchronized (KEPT) {
            if (KEPT.size() >= KEPT_BUFFERS) {
                KEPT.pollFirst();
            }
            KEPT.addLast(b);
        }
    }

    /** @return a chunk's additional data, with the index left for {@link #aad(byte[], long)} to fill */
    private static byte[] aadTemplate(long openerNonce, long acceptorNonce, int direction) {
        byte[] a = new byte[25];
        putLong(a, 0, openerNonce);
        putLong(a, 8, acceptorNonce);
        a[16] = (byte) direction;
        return a;
    }

    /** @return {@code template}, now the additional data of chunk {@code index} */
    private static byte[] aad(byte[] template, long index) {
        putLong(template, 17, index);
        return template;
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    /**
     * Seals what is written, one chunk at a time, and writes the sealed chunks on {@value #CHUNKS_PER_WRITE}
     * at a time; {@link #flush()} seals and writes what it holds, {@link #close()} writes the final chunk and
     * half-closes. The chunk, its sealed form and its additional data live in buffers reused for every chunk;
     * once closed, the stream leaves its buffers to later streams ({@link #KEPT_BUFFERS} at most), so that
     * an encrypted stream does not allocate and zero 320 KiB when it opens. Methods are synchronized: a
     * close from another thread cannot hand a buffer on while a write still fills it.
     */
    static final class Output extends OutputStream {
        private final OutputStream raw;
        private final Cipher cipher;
        private final byte[] aad;
        private byte[] buffer = takeBuffer(1 + CHUNK);
        /** Sealed chunks, each after its length prefix, written to {@code raw} in one call. */
        private byte[] framed;
        private int framedLength;
        private int filled = 1;
        private long index;
        private boolean closed;

        Output(OutputStream raw, Cipher cipher, long openerNonce, long acceptorNonce, int direction) {
            this.raw = raw;
            this.cipher = cipher;
            this.aad = aadTemplate(openerNonce, acceptorNonce, direction);
            this.framed = takeBuffer(CHUNKS_PER_WRITE * (4 + buffer.length + cipher.overhead()));
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("the stream's output is closed");
            }
            while (len > 0) {
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == buffer.length) {
                    seal(false);
                }
            }
        }

        private void seal(boolean last) throws IOException {
            buffer[0] = (byte) (last ? 1 : 0);
            int sealed;
            try {
                sealed = cipher.encrypt(buffer, 0, filled, aad(aad, index++), framed, framedLength + 4);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encrypt the stream: " + e.getMessage(), e);
            }
            // Lengths and chunks in one write: the transport flushes every write, and a 4-byte write of
            // its own would cost a packet and a wake-up of the reader per chunk.
            framed[framedLength] = (byte) (sealed >>> 24);
            framed[framedLength + 1] = (byte) (sealed >>> 16);
            framed[framedLength + 2] = (byte) (sealed >>> 8);
            framed[framedLength + 3] = (byte) sealed;
            framedLength += 4 + sealed;
            filled = 1;
            if (last || framed.length - framedLength < 4 + buffer.length + cipher.overhead()) {
                writeSealed();
            }
        }

        private void writeSealed() throws IOException {
            if (framedLength > 0) {
                int n = framedLength;
                framedLength = 0;
                raw.write(framed, 0, n);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            if (!closed) {
                if (filled > 1) {
                    seal(false);
                }
                writeSealed();
            }
            raw.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            try {
                seal(true);
            } finally {
                closed = true;
                keepBuffer(buffer);
                keepBuffer(framed);
                buffer = null;
                framed = null;
            }
            raw.close();
        }
    }

    /**
     * Opens the sealed chunks the other side writes; end of stream only after its final chunk. A chunk
     * is read into, and opened into, buffers reused for every chunk, which the reading thread leaves to later
     * streams once it has read the end (not on close, which another thread may call during a read).
     */
    static final class Input extends InputStream {
        private final DataInputStream raw;
        private final List<Cipher> ciphers;
        private final int maxSealed;
        private final byte[] aad;
        private byte[] sealed;
        private byte[] plain;
        private Cipher chosen;
        /** Bytes of the current chunk's plaintext in {@code plain}, its final flag included. */
        private int plainLength;
        private int pos = 1;
        private long index;
        private boolean ended;

        Input(InputStream raw, List<Cipher> ciphers, long openerNonce, long acceptorNonce, int direction) {
            this.raw = new DataInputStream(raw);
            this.ciphers = ciphers;
            this.maxSealed = 1 + CHUNK + ciphers.get(0).overhead() + 64;
            this.aad = aadTemplate(openerNonce, acceptorNonce, direction);
            this.sealed = takeBuffer(maxSealed);
            this.plain = takeBuffer(maxSealed);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            while (pos >= plainLength) {
                if (ended) {
                    release();
                    return -1;
                }
                next();
            }
            int n = Math.min(len, plainLength - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return Math.max(0, plainLength - pos);
        }

        /** After the final chunk was read out: the buffers go to later streams. On the reading thread. */
        private void release() {
            if (sealed != null) {
                keepBuffer(sealed);
                keepBuffer(plain);
                sealed = null;
                plain = null;
                plainLength = 0;
                pos = 0;
            }
        }

        private void next() throws IOException {
            int length;
            try {
                length = raw.readInt();
            } catch (EOFException e) {
                throw new IOException("the stream was cut short: it ended before its final chunk", e);
            }
            if (length < 0 || length > maxSealed) {
                throw new IOException("sealed stream chunk of " + length + " bytes exceeds the limit of " + maxSealed);
            }
            raw.readFully(sealed, 0, length);
            plainLength = 0;
            plainLength = open(length, aad(aad, index++));
            if (plainLength < 1) {
                throw new IOException("empty sealed stream chunk");
            }
            ended = plain[0] == 1;
            pos = 1;
        }

        /** @return the plaintext's length, in {@code plain} */
        private int open(int length, byte[] aad) throws IOException {
            if (chosen != null) {
                try {
                    return chosen.decrypt(sealed, 0, length, aad, plain, 0);
                } catch (GeneralSecurityException e) {
                    throw new IOException("a stream chunk failed authentication (tampered, reordered or from another stream)", e);
                }
            }
            for (Cipher c : ciphers) {
                try {
                    int n = c.decrypt(sealed, 0, length, aad, plain, 0);
                    chosen = c;
                    return n;
                } catch (GeneralSecurityException e) {
                    // try the next key
                }
            }
            throw new IOException("no key opens the stream's first chunk");
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }
}
