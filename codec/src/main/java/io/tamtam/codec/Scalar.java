package io.tamtam.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Handlers of the boxed scalar types, String, byte[], UUID, Instant and Duration. Integers use the
 * smallest MessagePack integer format; floating point fields also accept integers, so a field may widen
 * from an integer type later. UUIDs are 16-byte binaries, Instants the MessagePack timestamp extension,
 * Durations the array {@code [seconds, nanos]}.
 */
enum Scalar implements TypeHandler {

    /** {@link Boolean}. */
    BOOLEAN {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            out.packer().packBoolean((Boolean) value);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            return in.unpacker().unpackBoolean();
        }
    },
    /** {@link Byte}. */
    BYTE {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            out.packer().packByte((Byte) value);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            return in.unpacker().unpackByte();
        }
    },
    /** {@link Short}. */
    SHORT {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            out.packer().packShort((Short) value);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            return in.unpacker().unpackShort();
        }
    },
    /** {@link Character}, as its UTF-16 code unit. */
    CHAR {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            out.packer().packInt((Character) value);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            int c = in.unpacker().unpackInt();
            if (c < Character.MIN_VALUE || c > Character.MAX_VALUE) {
                throw new IOException(c + " is not a char value");
            }
            return (char) c;
        }
    },
    /** {@link Integer}. */
    INT {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            out.packer().packInt((Integer) value);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            return in.unpacker().unpackInt();
        }
    },
    /** {@link Long}. */
    LONG {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            out.packer().packLong((Long) value);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            return in.unpacker().unpackLong();
        }
    },
    /** {@link Float}. */
    FLOAT {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            out.packer().packFloat((Float) value);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            return (float) readFloatingPoint(in.unpacker());
        }
    },
    /** {@link Double}. */
    DOUBLE {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            out.packer().packDouble((Double) value);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            return readFloatingPoint(in.unpacker());
        }
    },
    /** {@link String}. */
    STRING {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            out.packer().packString((String) value);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            return in.readString();
        }
    },
    /** {@code byte[]}, as a MessagePack binary. */
    BYTES {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            byte[] bytes = (byte[]) value;
            out.packer().packBinaryHeader(bytes.length);
            out.packer().writePayload(bytes);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            return in.readBinary();
        }
    },
    /** {@link UUID}, as a 16-byte binary, most significant byte first. */
    UUID_VALUE {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            UUID uuid = (UUID) value;
            byte[] bytes = ByteBuffer.allocate(UUID_BYTES)
                    .putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits())
                    .array();
            out.packer().packBinaryHeader(UUID_BYTES);
            out.packer().writePayload(bytes);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            byte[] bytes = in.readBinary();
            if (bytes.length != UUID_BYTES) {
                throw new IOException("a UUID is " + UUID_BYTES + " bytes, not " + bytes.length);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new UUID(buffer.getLong(), buffer.getLong());
        }
    },
    /** {@link Instant}, as the MessagePack timestamp extension (type -1). */
    INSTANT {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            out.packer().packTimestamp((Instant) value);
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            return in.unpacker().unpackTimestamp();
        }
    },
    /** {@link Duration}, as {@code [seconds, nanos]}. */
    DURATION {
        @Override
        public void write(MsgpackWriter out, Object value) throws IOException {
            Duration duration = (Duration) value;
            out.packer().packArrayHeader(2);
            out.packer().packLong(duration.getSeconds());
            out.packer().packInt(duration.getNano());
        }

        @Override
        public Object read(MsgpackReader in) throws IOException {
            int n = in.readArrayHeader();
            if (n != 2) {
                throw new IOException("a Duration is encoded as [seconds, nanos], not as an array of " + n);
            }
            long seconds = in.unpacker().unpackLong();
            long nanos = in.unpacker().unpackLong();
            try {
                return Duration.ofSeconds(seconds, nanos);
            } catch (ArithmeticException e) {
                throw new IOException("Duration of " + seconds + " s and " + nanos + " ns is out of range", e);
            }
        }
    };

    private static final int UUID_BYTES = 16;

    private static double readFloatingPoint(MessageUnpacker unpacker) throws IOException {
        if (unpacker.getNextFormat().getValueType() == ValueType.INTEGER) {
            return unpacker.unpackLong();
        }
        return unpacker.unpackDouble();
    }
}
