package io.tamtam.codec;

import java.io.IOException;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * One encoding in progress: a reusable heap-buffer packer plus the nesting depth, which is bounded so
 * that a cyclic object graph fails with an {@link IOException} instead of overflowing the stack. Not
 * thread-safe; {@link MsgpackCodec} keeps one per thread.
 */
final class MsgpackWriter {

    private final MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
    private int depth;
    private boolean inUse;

    /** @return the packer to write scalars and headers with */
    MessagePacker packer() {
        return packer;
    }

    /**
     * Writes nil for null, otherwise lets the handler write the value one nesting level deeper.
     *
     * @param handler the handler of the value's declared type
     * @param value   the value, may be null
     * @throws IOException when the value cannot be encoded or nests deeper than {@link MsgpackReader#MAX_DEPTH}
     */
    void writeValue(TypeHandler handler, Object value) throws IOException {
        if (value == null) {
            packer.packNil();
            return;
        }
        if (depth >= MsgpackReader.MAX_DEPTH) {
            throw new IOException("the value nests deeper than " + MsgpackReader.MAX_DEPTH
                    + " levels; is the object graph cyclic?");
        }
        depth++;
        try {
            handler.write(this, value);
        } finally {
            depth--;
        }
    }

    /**
     * @param utf8 a property or constant name, already UTF-8 encoded
     * @throws IOException when the packer fails
     */
    void writeName(byte[] utf8) throws IOException {
        packer.packRawStringHeader(utf8.length);
        packer.writePayload(utf8);
    }

    /**
     * @return whether the writer was free; if so it is now taken until {@link #release()}
     */
    boolean tryAcquire() {
        if (inUse) {
            return false;
        }
        inUse = true;
        return true;
    }

    /** @return the bytes written so far */
    byte[] toByteArray() {
        return packer.toByteArray();
    }

    /** Clears the buffer and frees the writer for the next encoding. */
    void release() {
        packer.clear();
        depth = 0;
        inUse = false;
    }
}
