package io.tamtam.internal.wire;

import io.tamtam.spi.Compressor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** A test {@link Compressor}: zlib Deflate under id 9 (a test id, not a wire assignment). */
public final class DeflateCompressor implements Compressor {
    static final int ID = 9;

    @Override
    public String name() {
        return "deflate-test";
    }

    @Override
    public int id() {
        return ID;
    }

    @Override
    public byte[] compress(byte[] src, int offset, int length) {
        Deflater d = new Deflater();
        try {
            d.setInput(src, offset, length);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(length / 2 + 16);
            byte[] buf = new byte[4096];
            while (!d.finished()) {
                int n = d.deflate(buf);
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    @Override
    public byte[] decompress(byte[] src, int offset, int length, int maxLength) throws IOException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(src, offset, length);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxLength, 4 * length + 64));
            byte[] buf = new byte[4096];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IOException("truncated or dictionary-dependent deflate data");
                }
                if (out.size() + n > maxLength) {
                    throw new IOException("decompressed size exceeds " + maxLength + " bytes");
                }
                out.write(buf, 0, n);
            }
            if (inf.getRemaining() > 0) {
                throw new IOException(inf.getRemaining() + " bytes after the end of the deflate data");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IOException("corrupt deflate data: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }
}
