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
 * <p>Decompression reads the uncompressed length from the block header and, before allocating, refuses
 * a length above the caller's limit or above what the block's size can expand to (Snappy's format yields
 * at most 64 bytes per 3 compressed bytes); corrupt input of any kind fails with an {@link IOException}.
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
     * The most output one byte of a Snappy block can produce, as a fraction: a copy element with a
     * 2-byte offset is 3 bytes long and copies up to 64 bytes, which no other element beats (a literal
     * yields less than its own length, a 1-byte-offset copy 11 bytes for 2, a 4-byte-offset copy 64 bytes
     * for 5). So a block of n bytes after its length varint decodes to at most n * 64 / 3 bytes.
     */
    static final int MAX_EXPANSION_NUMERATOR = 64;
    /** See {@link #MAX_EXPANSION_NUMERATOR}. */
    static final int MAX_EXPANSION_DENOMINATOR = 3;

    /**
     * Reads the uncompressed length at the start of a block: a little-endian base-128 varint of at most
     * 5 bytes holding a 32-bit value.
     *
     * @return the length in the low 32 bits and the varint's size in bytes in the high 32 bits
     */
    private static long declaredLength(byte[] src, int offset, int length) throws IOException {
        long value = 0;
        for (int i = 0; i < 5; i++) {
            if (i == length) {
                throw new IOException("the snappy block ends inside its length header");
            }
            int b = src[offset + i] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (value > 0xFFFFFFFFL) {
                    throw new IOException("the snappy block's length header exceeds 32 bits");
                }
                return ((long) (i + 1) << 32) | value;
            }
        }
        throw new IOException("the snappy block's length header is longer than 5 bytes");
    }

    /**
     * @param src       a Snappy block
     * @param offset    where it starts
     * @param length    its length
     * @param maxLength the largest output accepted
     * @return the original bytes
     * @throws IOException when the block is corrupt, declares more than {@code maxLength} bytes, or
     *                     declares more than its length can expand to (64/3 output bytes per byte)
     */
    @Override
    public byte[] decompress(byte[] src, int offset, int length, int maxLength) throws IOException {
        Objects.checkFromIndexSize(offset, length, src.length);
        long header = declaredLength(src, offset, length);
        long declared = header & 0xFFFFFFFFL;
        int headerSize = (int) (header >>> 32);
        if (declared > maxLength) {
            throw new IOException("the snappy block declares " + declared + " uncompressed bytes, more than the limit of "
                    + maxLength + "; the sender's packets are larger than this node accepts");
        }
        long expandable = (long) (length - headerSize) * MAX_EXPANSION_NUMERATOR / MAX_EXPANSION_DENOMINATOR;
        if (declared > expandable) {
            throw new IOException("the snappy block declares " + declared + " uncompressed bytes, more than its "
                    + (length - headerSize) + " compressed bytes can hold (at most " + expandable
                    + " at Snappy's largest ratio of 64/3); the block is corrupt");
        }
        try {
            byte[] out = new byte[(int) declared];
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
