package io.tamtam;

import java.util.Objects;

/**
 * A request type: its wire id bound to the class requests decode to and the class replies decode to,
 * so that the requester and the answering handler agree at compile time.
 *
 * <pre>{@code
 * static final RequestType<String, Integer> LENGTH = RequestType.of(1001, String.class, Integer.class);
 *
 * cluster.handleRequest(LENGTH, request -> request.payload().length());
 * int n = cluster.request(node, LENGTH, "hello", Duration.ofSeconds(2)).join();
 * }</pre>
 *
 * @param <T> the request class
 * @param <R> the reply class
 */
public final class RequestType<T, R> {
    private final MessageType<T> requests;
    private final Class<R> replyClass;

    static {
        io.tamtam.internal.messaging.ReservedTypes.installRequests(RequestType::reserved);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static RequestType<?, ?> reserved(MessageType<?> requests, Class<?> replyClass) {
        return new RequestType(requests, replyClass);
    }

    private RequestType(MessageType<T> requests, Class<R> replyClass) {
        this.requests = requests;
        this.replyClass = replyClass;
    }

    /**
     * @param id           a type id from {@link Cluster#USER_TYPE_MIN} to {@link Cluster#USER_TYPE_MAX}
     * @param requestClass the class requests decode to
     * @param replyClass   the class replies decode to
     * @param <T>          the request class
     * @param <R>          the reply class
     * @return the type
     * @throws IllegalArgumentException when the id is reserved or out of range
     */
    public static <T, R> RequestType<T, R> of(int id, Class<T> requestClass, Class<R> replyClass) {
        return new RequestType<>(MessageType.of(id, requestClass), Objects.requireNonNull(replyClass, "replyClass"));
    }

    /** @return the wire id */
    public int id() {
        return requests.id();
    }

    /** @return the requests' type: the id and the request class, as a handler's packets carry it */
    public MessageType<T> requestType() {
        return requests;
    }

    /** @return the class replies decode to */
    public Class<R> replyClass() {
        return replyClass;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestType<?, ?> t && t.requests.equals(requests) && t.replyClass == replyClass;
    }

    @Override
    public int hashCode() {
        return requests.hashCode() * 31 + replyClass.hashCode();
    }

    @Override
    public String toString() {
        return "RequestType[" + id() + " " + requests.payloadClass().getSimpleName() + " -> " + replyClass.getSimpleName() + "]";
    }
}
