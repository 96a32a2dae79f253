package io.tamtam;

import java.util.Objects;

/**
 * A user message type: its wire id bound to the class its payload decodes to, so that a handler, a
 * sender and a broadcaster of one type agree on the payload class at compile time. Define each type
 * once, as a constant shared by senders and receivers:
 *
 * <pre>{@code
 * record Greeting(String from, String text) { }
 * static final MessageType<Greeting> GREETING = MessageType.of(1000, Greeting.class);
 *
 * cluster.handle(GREETING, packet -> log.info(packet.payload().text()));
 * cluster.broadcast(GREETING, new Greeting("a", "hello"));
 * }</pre>
 *
 * <p>Two types are equal when their ids and payload classes are. {@code String}, {@code byte[]} and
 * {@link java.nio.ByteBuffer} payloads need no codec; other classes need one (see {@link io.tamtam.spi.Codec}).
 *
 * <p>A {@code byte[]} handler owns the array it gets. A {@code ByteBuffer} handler gets a read-only view
 * that is valid only until the handler returns: for a message sent to this node the node decodes the next
 * payload of the same length (one of a megabyte or more) into the same memory, so large messages are
 * received without a new array each. Copy what the handler keeps. A
 * {@code ByteBuffer} payload sent is its remaining bytes (the buffer's own array, not a copy, when the
 * buffer is a whole writable heap array); the wire bytes are those of a {@code byte[]} payload, so a
 * {@code byte[]} sender and a {@code ByteBuffer} handler of one type id interoperate.
 *
 * @param <T> the payload class
 */
public final class MessageType<T> {
    private final int id;
    private final Class<T> payloadClass;

    static {
        io.tamtam.internal.messaging.ReservedTypes.installMessages(MessageType::reserved);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static MessageType<?> reserved(int id, Class<?> payloadClass) {
        return new MessageType(id, payloadClass);
    }

    private MessageType(int id, Class<T> payloadClass) {
        this.id = id;
        this.payloadClass = payloadClass;
    }

    /**
     * @param id           a type id from {@link Cluster#USER_TYPE_MIN} to {@link Cluster#USER_TYPE_MAX}
     * @param payloadClass the class payloads decode to
     * @param <T>          the payload class
     * @return the type
     * @throws IllegalArgumentException when the id is reserved or out of range
     */
    public static <T> MessageType<T> of(int id, Class<T> payloadClass) {
        io.tamtam.internal.messaging.Messaging.checkUserType(id);
        return new MessageType<>(id, Objects.requireNonNull(payloadClass, "payloadClass"));
    }

    /** @return the wire id */
    public int id() {
        return id;
    }

    /** @return the class payloads decode to */
    public Class<T> payloadClass() {
        return payloadClass;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageType<?> t && t.id == id && t.payloadClass == payloadClass;
    }

    @Override
    public int hashCode() {
        return id * 31 + payloadClass.hashCode();
    }

    @Override
    public String toString() {
        return "MessageType[" + id + " " + payloadClass.getSimpleName() + "]";
    }
}
