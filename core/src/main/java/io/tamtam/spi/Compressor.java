package io.tamtam.spi;

import java.io.IOException;

/**
 * Compresses packet bodies. Its {@link #id()} travels on the wire, so every node must know the
 * compressor a peer used.
 *
 * <p>Found by {@link java.util.ServiceLoader} or set with
 * {@link io.tamtam.ClusterConfig.Builder#compressor(Compressor)}. Implementations are thread-safe.
 */
public interface Compressor {

    /** @return a short, stable name, such as {@code "snappy"} */
    String name();

    /** @return the wire id, 1 to 255 (see PROTOCOL.md for assigned ids) */
    int id();

    /**
     * @param src    input
     * @param offset where the input starts
     * @param length input length
     * @return the compressed bytes
     * @throws IOException when compression fails
     */
    byte[] compress(byte[] src, int offset, int length) throws IOException;

    /**
     * Decompresses, refusing any output longer than {@code maxLength} before allocating it.
     *
     * @param src       compressed input
     * @param offset    where it starts
     * @param length    its length
     * @param maxLength the largest output accepted
     * @return the original bytes
     * @throws IOException when the input is corrupt or would exceed {@code maxLength}
     */
    byte[] decompress(byte[] src, int offset, int length, int maxLength) throws IOException;
}
