package io.tamtam.internal.wire;

import io.tamtam.NodeAddress;
import io.tamtam.NodeState;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A member as it travels in ALIVE and PUSH_PULL messages.
 *
 * @param id                 node id
 * @param incarnation        incarnation number
 * @param state              state as the sender sees it
 * @param address            advertised address
 * @param protocolVersion    protocol version the node speaks
 * @param applicationVersion application version, may be empty
 * @param metadata           metadata entries (insertion order is kept on the wire)
 * @param addresses          the addresses the node advertises with their schemes, in its order of
 *                           preference; empty when it advertises none beyond {@code address} (the record
 *                           then carries no address extension)
 */
public record MemberInfo(
        UUID id,
        long incarnation,
        NodeState state,
        InetSocketAddress address,
        int protocolVersion,
        String applicationVersion,
        Map<String, String> metadata,
        List<NodeAddress> addresses) {

    /** A member that advertises no address beyond {@code address}. */
    public MemberInfo(UUID id, long incarnation, NodeState state, InetSocketAddress address, int protocolVersion,
                      String applicationVersion, Map<String, String> metadata) {
        this(id, incarnation, state, address, protocolVersion, applicationVersion, metadata, List.of());
    }

    /** @param addresses null for none, copied */
    public MemberInfo {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }
}
