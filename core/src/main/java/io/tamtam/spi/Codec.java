package io.tamtam.spi;

import java.io.IOException;

/**
 * Turns user payloads into bytes and back. One codec serves a whole cluster; every node of the
 * cluster must use the same one.
 *
 * <p>Found by {@link java.util.ServiceLoader} (the one with the highest {@link #priority()}) or set with
 * {@link io.tamtam.ClusterConfig.Builder#codec(Codec)}. Implementations are thread-safe.
 */
public interface Codec {

    /** @return a short, stable name, such as {@code "msgpack"} */
    String name();

    /**
     * @return the ServiceLoader preference when several codecs are found; higher wins. Without any codec,
     *         only {@code String} and {@code byte[]} payloads can be sent (TamTam encodes those itself).
     */
    default int priority() {
        return 100;
    }

    /**
     * @param type a payload class
     * @return whether this codec can encode and decode instances of {@code type}
     */
    boolean supports(Class<?> type);

    /**
     * @param value a payload, never null
     * @return its encoding
     * @throws IOException when the value cannot be encoded
     */
    byte[] encode(Object value) throws IOException;

    /**
     * @param bytes  the encoding
     * @param offset where it starts
     * @param length how many bytes it has
     * @param type   the class to produce
     * @param <T>    the payload type
     * @return the decoded payload
     * @throws IOException when the bytes are not a valid encoding of {@code type}
     */
    <T> T decode(byte[] bytes, int offset, int length, Class<T> type) throws IOException;
}
