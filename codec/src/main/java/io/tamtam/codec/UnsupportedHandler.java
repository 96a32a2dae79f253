package io.tamtam.codec;

import java.io.IOException;
import java.util.Set;

/** Stands in for a type the codec cannot map; every use fails with the stored reason. */
final class UnsupportedHandler implements TypeHandler {

    private final String reason;

    /** @param reason why the type is not supported and what to do instead */
    UnsupportedHandler(String reason) {
        this.reason = reason;
    }

    @Override
    public void write(MsgpackWriter out, Object value) throws IOException {
        throw new IOException(reason);
    }

    @Override
    public Object read(MsgpackReader in) throws IOException {
        throw new IOException(reason);
    }

    @Override
    public String problem(Set<TypeHandler> visiting) {
        return reason;
    }
}
