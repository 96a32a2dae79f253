package io.tamtam.codec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageUnpacker;

/**
 * Values declared as {@link Object} (or as an unbounded type variable, or the elements of a raw
 * collection). Encodes by the runtime class; decodes to the natural Java form of the MessagePack value:
 * Boolean, Integer or Long, Float or Double, String, byte[], Instant, ArrayList and LinkedHashMap.
 */
final class DynamicHandler implements TypeHandler {

    /** The only instance. */
    static final DynamicHandler INSTANCE = new DynamicHandler();

    private static final byte TIMESTAMP_EXTENSION = -1;

    private DynamicHandler() {
    }

    @Override
    public void write(MsgpackWriter out, Object value) throws IOException {
        Class<?> type = value.getClass();
        if (type == Object.class) {
            throw new IOException("a bare java.lang.Object has no encoding");
        }
        TypeHandlers.forClass(type).write(out, value);
    }

    @Override
    public Object read(MsgpackReader in) throws IOException {
        MessageUnpacker unpacker = in.unpacker();
        MessageFormat format = unpacker.getNextFormat();
        switch (format.getValueType()) {
            case BOOLEAN:
                return unpacker.unpackBoolean();
            case INTEGER:
                long number = unpacker.unpackLong();
                if (number == (int) number) {
                    return (int) number;
                }
                return number;
            case FLOAT:
                if (format == MessageFormat.FLOAT32) {
                    return unpacker.unpackFloat();
                }
                return unpacker.unpackDouble();
            case STRING:
                return in.readString();
            case BINARY:
                return in.readBinary();
            case ARRAY:
                return readList(in);
            case MAP:
                return readMap(in);
            case EXTENSION:
                ExtensionTypeHeader header = unpacker.unpackExtensionTypeHeader();
                if (header.getType() != TIMESTAMP_EXTENSION) {
                    throw new IOException("MessagePack extension type " + header.getType() + " is not supported");
                }
                return unpacker.unpackTimestamp(header);
            default:
                throw new IOException("unexpected " + format + " value");
        }
    }

    private List<Object> readList(MsgpackReader in) throws IOException {
        int n = in.readArrayHeader();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(in.readValue(this));
        }
        return list;
    }

    private Map<Object, Object> readMap(MsgpackReader in) throws IOException {
        int n = in.readMapHeader();
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Object key = in.readValue(this);
            map.put(key, in.readValue(this));
        }
        return map;
    }
}
