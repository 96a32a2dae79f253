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

    private SealedStreams() {
    }

    private static byte[] aad(long openerNonce, long acceptorNonce, int direction, long index) {
        byte[] a = new byte[25];
        putLong(a, 0, openerNonce);
        putLong(a, 8, acceptorNonce);
        a[16] = (byte) direction;
        putLong(a, 17, index);
        return a;
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    /** Seals what is written, one chunk at a time; {@link #close()} writes the final chunk and half-closes. */
    static final class Output extends OutputStream {
        private final OutputStream raw;
        private final Cipher cipher;
        private final long openerNonce;
        private final long acceptorNonce;
        private final int direction;
        private final byte[] buffer = new byte[1 + CHUNK];
        private int filled = 1;
        private long index;
        private boolean closed;

        Output(OutputStream raw, Cipher cipher, long openerNonce, long acceptorNonce, int direction) {
            this.raw = raw;
            this.cipher = cipher;
            this.openerNonce = openerNonce;
            this.acceptorNonce = acceptorNonce;
            this.direction = direction;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
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
            byte[] sealed;
            try {
                sealed = cipher.encrypt(buffer, 0, filled, aad(openerNonce, acceptorNonce, direction, index++));
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encrypt the stream: " + e.getMessage(), e);
            }
            // Length and chunk in one write: the transport flushes every write, and a 4-byte write of
            // its own would cost a packet and a wake-up of the reader per chunk.
            byte[] framed = new byte[4 + sealed.length];
            framed[0] = (byte) (sealed.length >>> 24);
            framed[1] = (byte) (sealed.length >>> 16);
            framed[2] = (byte) (sealed.length >>> 8);
            framed[3] = (byte) sealed.length;
            System.arraycopy(sealed, 0, framed, 4, sealed.length);
            raw.write(framed);
            filled = 1;
        }

        @Override
        public void flush() throws IOException {
            if (!closed && filled > 1) {
                seal(false);
            }
            raw.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            seal(true);
            closed = true;
            raw.close();
        }
    }

    /** Opens the sealed chunks the other side writes; end of stream only after its final chunk. */
    static final class Input extends InputStream {
        private final DataInputStream raw;
        private final List<Cipher> ciphers;
        private final int maxSealed;
        private final long openerNonce;
        private final long acceptorNonce;
        private final int direction;
        private Cipher chosen;
        private byte[] plain = new byte[0];
        private int pos = 1;
        private long index;
        private boolean ended;

        Input(InputStream raw, List<Cipher> ciphers, long openerNonce, long acceptorNonce, int direction) {
            this.raw = new DataInputStream(raw);
            this.ciphers = ciphers;
            this.maxSealed = 1 + CHUNK + ciphers.get(0).overhead() + 64;
            this.openerNonce = openerNonce;
            this.acceptorNonce = acceptorNonce;
            this.direction = direction;
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
            while (pos >= plain.length) {
                if (ended) {
                    return -1;
                }
                next();
            }
            int n = Math.min(len, plain.length - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return Math.max(0, plain.length - pos);
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
            byte[] sealed = new byte[length];
            raw.readFully(sealed);
            byte[] aad = aad(openerNonce, acceptorNonce, direction, index++);
            plain = open(sealed, aad);
            if (plain.length < 1) {
                throw new IOException("empty sealed stream chunk");
            }
            ended = plain[0] == 1;
            pos = 1;
        }

        private byte[] open(byte[] sealed, byte[] aad) throws IOException {
            if (chosen != null) {
                try {
                    return chosen.decrypt(sealed, 0, sealed.length, aad);
                } catch (GeneralSecurityException e) {
                    throw new IOException("a stream chunk failed authentication (tampered, reordered or from another stream)", e);
                }
            }
            for (Cipher c : ciphers) {
                try {
                    byte[] p = c.decrypt(sealed, 0, sealed.length, aad);
                    chosen = c;
                    return p;
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
