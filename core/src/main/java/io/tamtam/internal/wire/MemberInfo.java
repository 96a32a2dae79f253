package io.tamtam.internal.wire;

import io.tamtam.NodeState;

import java.net.InetSocketAddress;
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
 */
public record MemberInfo(
        UUID id,
        long incarnation,
        NodeState state,
        InetSocketAddress address,
        int protocolVersion,
        String applicationVersion,
        Map<String, String> metadata) {
}
