package io.tamtam.codec;

import java.io.IOException;
import java.util.Set;

/**
 * Writes and reads the values of one Java type in MessagePack. Handlers are built once per type by
 * {@link TypeHandlers} and shared by every thread, so they hold no per-message state.
 */
interface TypeHandler {

    /**
     * @param out   where to write
     * @param value the value, never null ({@link MsgpackWriter#writeValue} writes nil for null)
     * @throws IOException when the value cannot be encoded
     */
    void write(MsgpackWriter out, Object value) throws IOException;

    /**
     * @param in where to read; the next value is not nil ({@link MsgpackReader#readValue} handles nil)
     * @return the decoded value
     * @throws IOException when the input is not an encoding of this type
     */
    Object read(MsgpackReader in) throws IOException;

    /** @return the value of a missing or nil entry: null, except zero/false for primitives and empty for Optional */
    default Object absent() {
        return null;
    }

    /**
     * @param visiting the handlers already being checked, so that self-referencing types terminate
     * @return why this type cannot be decoded, or null when it can
     */
    default String problem(Set<TypeHandler> visiting) {
        return null;
    }
}
