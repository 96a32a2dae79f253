package io.tamtam.internal.messaging;

import io.tamtam.Cluster;
import io.tamtam.MessageType;
import io.tamtam.RequestType;

import java.util.function.BiFunction;

/**
 * Message types from TamTam's reserved range (below {@link Cluster#USER_TYPE_MIN}), which
 * {@link MessageType#of} refuses: parts of TamTam built on the user message paths (services, queries)
 * use them. The public classes hand their constructors over when they are initialized.
 */
public final class ReservedTypes {
    private static volatile BiFunction<Integer, Class<?>, MessageType<?>> messageTypes;
    private static volatile BiFunction<MessageType<?>, Class<?>, RequestType<?, ?>> requestTypes;

    private ReservedTypes() {
    }

    /**
     * Called once by {@link MessageType} while it is initialized.
     *
     * @param messages makes message types of any id
     */
    public static synchronized void installMessages(BiFunction<Integer, Class<?>, MessageType<?>> messages) {
        if (messageTypes == null) {
            messageTypes = messages;
        }
    }

    /**
     * Called once by {@link RequestType} while it is initialized.
     *
     * @param requests makes request types from a message type
     */
    public static synchronized void installRequests(BiFunction<MessageType<?>, Class<?>, RequestType<?, ?>> requests) {
        if (requestTypes == null) {
            requestTypes = requests;
        }
    }

    private static void check(int id) {
        if (id < 0 || id >= Cluster.USER_TYPE_MIN) {
            throw new IllegalArgumentException("reserved type " + id + " is not below " + Cluster.USER_TYPE_MIN);
        }
    }

    private static void load(Class<?> c) {
        try {
            Class.forName(c.getName(), true, c.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param id a reserved type id
     * @return a message type carrying raw bytes
     */
    @SuppressWarnings("unchecked")
    public static MessageType<byte[]> bytes(int id) {
        check(id);
        load(MessageType.class);
        return (MessageType<byte[]>) messageTypes.apply(id, byte[].class);
    }

    /**
     * @param id a reserved type id
     * @return a request type carrying raw bytes both ways
     */
    @SuppressWarnings("unchecked")
    public static RequestType<byte[], byte[]> request(int id) {
        MessageType<byte[]> m = bytes(id);
        load(RequestType.class);
        return (RequestType<byte[], byte[]>) requestTypes.apply(m, byte[].class);
    }
}
