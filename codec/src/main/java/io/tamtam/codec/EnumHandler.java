package io.tamtam.codec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.msgpack.core.buffer.MessageBuffer;

/** An enum, encoded by constant name so that reordering constants keeps old encodings valid. */
final class EnumHandler implements TypeHandler {

    private final Class<?> type;
    private final Enum<?>[] constants;
    private final NameTable names;

    /** @param type an enum class (not a constant's body class) */
    EnumHandler(Class<?> type) {
        this.type = type;
        Object[] values = type.getEnumConstants();
        this.constants = new Enum<?>[values.length];
        List<String> list = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            constants[i] = (Enum<?>) values[i];
            list.add(constants[i].name());
        }
        this.names = new NameTable(list);
    }

    @Override
    public void write(MsgpackWriter out, Object value) throws IOException {
        out.writeName(names.utf8(((Enum<?>) value).ordinal()));
    }

    @Override
    public Object read(MsgpackReader in) throws IOException {
        MessageBuffer key = in.readStringReference();
        int index = names.find(key, -1);
        if (index < 0) {
            throw new IOException(NameTable.quote(key) + " is not a constant of " + type.getName());
        }
        return constants[index];
    }
}
