package io.tamtam.codec;

import io.tamtam.spi.Compressor;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * A {@link Compressor} using Snappy (raw block format, through snappy-java's native library), wire id 1.
 *
 * <p>Decompression reads the uncompressed length from the block header and refuses anything above the
 * caller's limit before allocating; corrupt input of any kind fails with an {@link IOException}.
 * Thread-safe and stateless.
 */
public final class SnappyCompressor implements Compressor {

    /** The wire id of Snappy. */
    public static final int ID = 1;

    /** Creates the compressor. */
    public SnappyCompressor() {
    }

    /** @return {@code "snappy"} */
    @Override
    public String name() {
        return "snappy";
    }

    /** @return {@value #ID} */
    @Override
    public int id() {
        return ID;
    }

    /**
     * @param src    input
     * @param offset where the input starts
     * @param length input length
     * @return the Snappy block
     * @throws IOException when the native library is unavailable or fails
     */
    @Override
    public byte[] compress(byte[] src, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, src.length);
        try {
            byte[] out = new byte[Snappy.maxCompressedLength(length)];
            int n = Snappy.rawCompress(src, offset, length, out, 0);
            return n == out.length ? out : Arrays.copyOf(out, n);
        } catch (RuntimeException | SnappyError e) {
            throw failure("compress", e);
        }
    }

    /**
     * @param src       a Snappy block
     * @param offset    where it starts
     * @param length    its length
     * @param maxLength the largest output accepted
     * @return the original bytes
     * @throws IOException when the block is corrupt or declares more than {@code maxLength} bytes
     */
    @Override
    public byte[] decompress(byte[] src, int offset, int length, int maxLength) throws IOException {
        Objects.checkFromIndexSize(offset, length, src.length);
        try {
            int declared = Snappy.uncompressedLength(src, offset, length);
            if (declared < 0 || declared > maxLength) {
                throw new IOException("the snappy block declares " + Integer.toUnsignedString(declared)
                        + " uncompressed bytes, more than the limit of " + maxLength
                        + "; the sender's packets are larger than this node accepts");
            }
            byte[] out = new byte[declared];
            int n = Snappy.rawUncompress(src, offset, length, out, 0);
            if (n != declared) {
                throw new IOException("the snappy block declares " + declared + " bytes but holds " + n);
            }
            return out;
        } catch (RuntimeException | SnappyError e) {
            throw failure("decompress", e);
        }
    }

    private static IOException failure(String operation, Throwable cause) {
        return new IOException("snappy could not " + operation + ": " + cause.getMessage()
                + " (the input is corrupt, or the snappy-java native library is unavailable)", cause);
    }
}
