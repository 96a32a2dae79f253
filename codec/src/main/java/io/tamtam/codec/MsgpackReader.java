package io.tamtam.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.core.buffer.MessageBuffer;

/**
 * One decoding in progress over a byte array. Every length read from a header is checked against the
 * bytes that remain before anything is allocated, so hostile input cannot claim a huge array or
 * string; nesting is bounded by {@link #MAX_DEPTH}. Not thread-safe; {@link MsgpackCodec} keeps one per
 * thread.
 *
 * <p>Checking each header alone is not enough: nested containers can each declare every byte that
 * follows, and a decoder pre-sizing each of them would allocate once per level for the same bytes. So the
 * element counts of all array and map headers read during one decoding are also added up and checked
 * against the whole input: every value but the outermost is an element of some container, and every
 * value starts with a byte of its own, so a valid input of {@code n} bytes declares at most {@code n - 1}
 * elements in all. Decoders may therefore pre-size a container for its declared count: what all of them
 * pre-size together stays within one element per input byte. String and binary values allocate only the
 * bytes they consume.
 */
final class MsgpackReader {

    /** The deepest nesting of values the codec writes or reads. */
    static final int MAX_DEPTH = 64;

    private static final byte[] NO_BYTES = {};

    private final ArrayBufferInput input = new ArrayBufferInput(NO_BYTES);
    private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);
    private long limit;
    /** Elements the input can still hold beyond those declared by the containers read so far. */
    private long undeclared;
    private int depth;
    private boolean inUse;

    /**
     * @return whether the reader was free; if so it is now taken until {@link #release()}
     */
    boolean tryAcquire() {
        if (inUse) {
            return false;
        }
        inUse = true;
        return true;
    }

    /**
     * Starts reading a new input.
     *
     * @param bytes  the input
     * @param offset where it starts
     * @param length its length
     * @throws IOException never in practice (the unpacker declares it)
     */
    void open(byte[] bytes, int offset, int length) throws IOException {
        input.reset(bytes, offset, length);
        unpacker.reset(input);
        limit = length;
        undeclared = length - 1L;
        depth = 0;
    }

    /** Drops the reference to the input and frees the reader. */
    void release() {
        input.reset(NO_BYTES);
        try {
            unpacker.reset(input);
        } catch (IOException e) {
            throw new IllegalStateException("resetting an in-memory unpacker cannot fail", e);
        }
        inUse = false;
    }

    /** @return the unpacker, for scalars */
    MessageUnpacker unpacker() {
        return unpacker;
    }

    /** @return the input bytes not read yet */
    long remaining() {
        return limit - unpacker.getTotalReadBytes();
    }

    /**
     * Reads nil as the handler's absent value, otherwise lets the handler read one nesting level deeper.
     *
     * @param handler the handler of the expected type
     * @return the value
     * @throws IOException when the input is invalid or nests deeper than {@link #MAX_DEPTH}
     */
    Object readValue(TypeHandler handler) throws IOException {
        if (unpacker.tryUnpackNil()) {
            return handler.absent();
        }
        if (depth >= MAX_DEPTH) {
            throw new IOException("the input nests deeper than " + MAX_DEPTH + " levels");
        }
        depth++;
        try {
            return handler.read(this);
        } finally {
            depth--;
        }
    }

    /**
     * @return the element count of an array header: at most the remaining bytes (each element takes one),
     *         and, with the elements of every container read before, less than the input's length
     * @throws IOException when the next value is not an array or claims more elements than could follow
     */
    int readArrayHeader() throws IOException {
        int n = unpacker.unpackArrayHeader();
        if (n > remaining()) {
            throw tooLong("an array of " + n + " elements");
        }
        declare(n);
        return n;
    }

    /**
     * @return the entry count of a map header: at most half the remaining bytes, and, with the elements of
     *         every container read before, less than half the input's length
     * @throws IOException when the next value is not a map or claims more entries than could follow
     */
    int readMapHeader() throws IOException {
        int n = unpacker.unpackMapHeader();
        if (2L * n > remaining()) {
            throw tooLong("a map of " + n + " entries");
        }
        declare(2L * n);
        return n;
    }

    /**
     * Counts the elements a container header declares against the input's length.
     *
     * @param elements the values the container holds (twice the entries of a map)
     * @throws IOException when the containers read so far declare more values than the input has bytes
     */
    private void declare(long elements) throws IOException {
        undeclared -= elements;
        if (undeclared < 0) {
            throw new IOException("the input's arrays and maps declare more values than its " + limit
                    + " bytes can hold");
        }
    }

    /**
     * @return the next string, decoded as UTF-8
     * @throws IOException when the next value is not a string or is truncated
     */
    String readString() throws IOException {
        MessageBuffer raw = readStringReference();
        if (raw.hasArray()) {
            return new String(raw.array(), raw.arrayOffset(), raw.size(), StandardCharsets.UTF_8);
        }
        return new String(raw.toByteArray(), StandardCharsets.UTF_8);
    }

    /**
     * @return the UTF-8 bytes of the next string as a view of the input, valid until the next read
     * @throws IOException when the next value is not a string or is truncated
     */
    MessageBuffer readStringReference() throws IOException {
        int n = unpacker.unpackRawStringHeader();
        if (n > remaining()) {
            throw tooLong("a string of " + n + " bytes");
        }
        return unpacker.readPayloadAsReference(n);
    }

    /**
     * @return the next binary value
     * @throws IOException when the next value is not binary or is truncated
     */
    byte[] readBinary() throws IOException {
        int n = unpacker.unpackBinaryHeader();
        if (n > remaining()) {
            throw tooLong("a binary value of " + n + " bytes");
        }
        return unpacker.readPayload(n);
    }

    /**
     * Skips the next value, however nested, without allocating for it.
     *
     * @throws IOException when the input ends inside the value
     */
    void skipValue() throws IOException {
        unpacker.skipValue();
    }

    /**
     * @throws IOException when bytes follow the decoded value
     */
    void requireEnd() throws IOException {
        long left = remaining();
        if (left != 0) {
            throw new IOException(left + " bytes follow the encoded value; the input is not a single value");
        }
    }

    private IOException tooLong(String what) {
        return new IOException("the input declares " + what + " but only " + remaining() + " bytes remain");
    }
}
