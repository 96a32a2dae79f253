package io.tamtam;

/** Why a packet was dropped (an inbound one, or for {@link #SEND_FAILED} an outbound datagram); {@link ClusterStats#dropped(DropReason)} counts each. */
public enum DropReason {
    /** Shorter than its header or than a length field inside it says. */
    TRUNCATED,
    /** Does not start with the TamTam magic bytes. */
    BAD_MAGIC,
    /** Speaks a protocol version this node does not. */
    UNSUPPORTED_VERSION,
    /** Larger than the datagram or frame limit; or a received application state above {@code maxAppStateBytes}. */
    OVERSIZED,
    /** Structurally invalid: reserved flags, unknown message kind, bad field values, trailing bytes. */
    MALFORMED,
    /** Encrypted with another key, tampered with, or plaintext where encryption is required. */
    UNAUTHENTICATED,
    /** Compressed with an unknown algorithm, or corrupt compressed data. */
    BAD_COMPRESSION,
    /**
     * A user message whose payload (or an application state that) the codec could not decode into the
     * handler's class.
     */
    UNDECODABLE_PAYLOAD,
    /** A user message of a type no handler is registered for. */
    NO_HANDLER,
    /** From a node with an incompatible protocol or application version. */
    INCOMPATIBLE_VERSION,
    /** Addressed to another node id (a node restarted at the same address). */
    WRONG_TARGET,
    /** Valid, but a bounded queue was full. */
    QUEUE_FULL,
    /**
     * A stream-path connection that sent no preface within the preface timeout, or sent a frame slower
     * than the minimum receive rate; the connection was closed.
     */
    SLOW_SENDER,
    /** An inbound stream-path connection beyond the total or per-IP connection limit; closed at once. */
    CONNECTION_LIMIT,
    /**
     * A large inbound frame that waited longer than the receive grace period for room in the node's
     * inbound buffer budget; the connection was closed.
     */
    OVER_BUDGET,
    /**
     * Carries another cluster's label, or none where this node has one, or one where this node has none
     * ({@link ClusterConfig.Builder#clusterLabel(String)}).
     */
    LABEL_MISMATCH,
    /**
     * A stream-path connection whose TLS handshake failed: the peer's certificate was untrusted, expired
     * or did not name the address connected to, or the peer did not speak TLS; the connection was closed.
     */
    TLS_REFUSED,
    /**
     * An outbound datagram this node did not send: its datagram transport's send queue was at its byte
     * bound (the socket drains slower than the node sends), the socket refused it, or its destination
     * did not resolve. Counted by the sender, so that a best-effort send that could not go is never lost
     * without a count.
     */
    SEND_FAILED,
    /**
     * An inbound datagram the kernel dropped before this node read it, because the node's UDP socket
     * receive buffer was full (the node reads slower than datagrams arrive). The UDP transport reads each
     * socket's drop count once a second (Linux only).
     */
    RECEIVE_BUFFER_FULL
}
