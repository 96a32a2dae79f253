package io.tamtam.codec;

import java.io.IOException;

/**
 * A primitive type: encoded like its box, but a missing or nil entry decodes to zero or false, since a
 * primitive cannot hold null.
 */
final class PrimitiveHandler implements TypeHandler {

    private final TypeHandler boxed;
    private final Object zero;

    /**
     * @param boxed the handler of the box type
     * @param zero  the default value, boxed
     */
    PrimitiveHandler(TypeHandler boxed, Object zero) {
        this.boxed = boxed;
        this.zero = zero;
    }

    @Override
    public void write(MsgpackWriter out, Object value) throws IOException {
        boxed.write(out, value);
    }

    @Override
    public Object read(MsgpackReader in) throws IOException {
        return boxed.read(in);
    }

    @Override
    public Object absent() {
        return zero;
    }
}
