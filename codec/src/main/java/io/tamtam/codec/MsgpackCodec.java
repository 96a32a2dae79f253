package io.tamtam.codec;

import io.tamtam.spi.Codec;
import java.io.IOException;
import java.time.DateTimeException;
import java.util.Objects;
import org.msgpack.core.MessagePackException;

/**
 * A {@link Codec} writing payloads as MessagePack, mapping Java types reflectively without annotations.
 *
 * <p>Supported types, nested arbitrarily: null; primitives and their boxes; String; {@code byte[]}
 * (binary); enums (by constant name); {@link java.util.UUID}; {@link java.time.Instant} (timestamp
 * extension); {@link java.time.Duration}; arrays; List, Set, Queue, Collection and Map with keys of any
 * supported type (element types are taken from the declared generic type); {@link java.util.Optional};
 * records (a map keyed by component name); and plain classes with a no-argument constructor of any
 * visibility (a map keyed by field name, covering non-static, non-transient fields of the class and its
 * superclasses). Values declared as {@code Object} decode to their natural Java form (Integer or Long,
 * Double, String, ArrayList, LinkedHashMap, ...).
 *
 * <p>Records and classes evolve: unknown keys are skipped, and a missing key decodes to null, zero,
 * false or an empty Optional (for a plain class, the value its constructor set).
 *
 * <p>Decoding is bounded: every declared length is checked against the bytes that remain, and the
 * element counts of all arrays and maps together against the length of the input, before anything is
 * allocated, so the memory a decoding takes grows with its input and not with how deeply containers
 * nest; nesting is limited to 64 levels, trailing bytes are rejected, and every failure
 * is an {@link IOException} naming the class and property. Encoding a cyclic object graph fails the same
 * way. Thread-safe; each thread reuses its own heap buffers.
 */
public final class MsgpackCodec implements Codec {

    /** Output above this size does not stay cached in the thread's writer. */
    private static final int RETAINED_BUFFER_LIMIT = 64 * 1024;

    private static final ThreadLocal<MsgpackWriter> WRITERS = ThreadLocal.withInitial(MsgpackWriter::new);
    private static final ThreadLocal<MsgpackReader> READERS = ThreadLocal.withInitial(MsgpackReader::new);

    /** Creates the codec; instances share their per-class plans. */
    public MsgpackCodec() {
    }

    /** @return {@code "msgpack"} */
    @Override
    public String name() {
        return "msgpack";
    }

    /**
     * @param type a payload class
     * @return whether values of {@code type} and of every type they contain can be encoded and decoded
     */
    @Override
    public boolean supports(Class<?> type) {
        return type != null && TypeHandlers.problem(type) == null;
    }

    /**
     * @param value a payload, never null
     * @return its MessagePack encoding
     * @throws IOException when the value or something it contains has no encoding, or it nests deeper
     *                     than 64 levels
     */
    @Override
    public byte[] encode(Object value) throws IOException {
        if (value == null) {
            throw new IOException("cannot encode a null payload; send an object");
        }
        MsgpackWriter writer = WRITERS.get();
        boolean cached = writer.tryAcquire();
        if (!cached) {
            writer = new MsgpackWriter();
            writer.tryAcquire();
        }
        byte[] bytes;
        try {
            writer.writeValue(TypeHandlers.forClass(value.getClass()), value);
            bytes = writer.toByteArray();
        } catch (IOException | MessagePackException e) {
            throw new IOException("cannot encode " + value.getClass().getName() + ": " + e.getMessage(), e);
        } finally {
            writer.release();
        }
        if (cached && bytes.length > RETAINED_BUFFER_LIMIT) {
            WRITERS.remove();
        }
        return bytes;
    }

    /**
     * @param bytes  the encoding
     * @param offset where it starts
     * @param length how many bytes it has
     * @param type   the class to produce
     * @param <T>    the payload type
     * @return the decoded payload
     * @throws IOException when the bytes are not exactly one valid encoding of {@code type}
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T decode(byte[] bytes, int offset, int length, Class<T> type) throws IOException {
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        MsgpackReader reader = READERS.get();
        if (!reader.tryAcquire()) {
            reader = new MsgpackReader();
            reader.tryAcquire();
        }
        try {
            reader.open(bytes, offset, length);
            Object value = reader.readValue(TypeHandlers.forClass(type));
            reader.requireEnd();
            return (T) value;
        } catch (IOException | MessagePackException | DateTimeException | ArithmeticException e) {
            throw new IOException("cannot decode " + type.getName() + ": " + e.getMessage(), e);
        } finally {
            reader.release();
        }
    }
}
