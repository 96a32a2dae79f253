package io.tamtam.internal.messaging;

import io.tamtam.spi.Codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes user payloads: {@code byte[]} as is, a {@link ByteBuffer}'s remaining bytes as they are,
 * {@link String} as UTF-8, anything else with the codec (MessagePack when {@code tamtam-codec} is on the
 * class path). Thread-safe.
 */
public final class Payloads {
    private static final byte[] EMPTY = new byte[0];
    private final Codec codec;

    /** @param codec the codec for other types, or null when there is none */
    public Payloads(Codec codec) {
        this.codec = codec;
    }

    /** @return the codec, or null */
    public Codec codec() {
        return codec;
    }

    /**
     * @param type a payload class
     * @throws IllegalStateException when nothing can encode it, saying what to add
     */
    public void checkSupported(Class<?> type) {
        if (type == byte[].class || type == ByteBuffer.class || type == String.class || type == Void.class) {
            return;
        }
        if (codec == null) {
            throw new IllegalStateException("no codec for payloads of " + type.getName()
                    + ": add io.tamtam:tamtam-codec to the class path or set ClusterConfig.Builder.codec(...); "
                    + "without a codec only String and byte[] payloads are supported");
        }
        if (!codec.supports(type)) {
            throw new IllegalStateException("codec '" + codec.name() + "' cannot encode " + type.getName()
                    + "; use a record, a class with a no-arg constructor, or a custom codec");
        }
    }

    /**
     * @param payload a payload, or null for none
     * @return its bytes
     * @throws IOException when it cannot be encoded
     */
    public byte[] encode(Object payload) throws IOException {
        if (payload == null) {
            return EMPTY;
        }
        if (payload instanceof byte[] b) {
            return b;
        }
        if (payload instanceof ByteBuffer bb) {
            return bytesOf(bb);
        }
        if (payload instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        try {
            checkSupported(payload.getClass());
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        return codec.encode(payload);
    }

    /**
     * @param bytes encoded payload, owned by the caller from now on (a {@code byte[]} payload is that array)
     * @param type  the class to produce
     * @param <T>   the payload type
     * @return the payload
     * @throws IOException when it cannot be decoded
     */
    public <T> T decode(byte[] bytes, Class<T> type) throws IOException {
        if (type == byte[].class) {
            return type.cast(bytes);
        }
        if (type == ByteBuffer.class) {
            return type.cast(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
        }
        if (type == String.class) {
            return type.cast(new String(bytes, StandardCharsets.UTF_8));
        }
        if (type == Void.class) {
            return null;
        }
        if (codec == null) {
            throw new IOException("no codec for " + type.getName());
        }
        return codec.decode(bytes, 0, bytes.length, type);
    }

    /**
     * @param b a buffer, not changed
     * @return its remaining bytes: the buffer's own array when it is all of that array, else a copy
     */
    private static byte[] bytesOf(ByteBuffer b) {
        if (b.hasArray() && !b.isReadOnly() && b.arrayOffset() == 0 && b.position() == 0
                && b.remaining() == b.array().length) {
            return b.array();
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
