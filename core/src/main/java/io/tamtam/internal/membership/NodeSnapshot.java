package io.tamtam.internal.membership;

import io.tamtam.Node;
import io.tamtam.NodeState;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;

/**
 * The immutable {@link Node} handed to users.
 *
 * @param id                 node id
 * @param address            advertised address
 * @param state              state
 * @param incarnation        incarnation
 * @param metadata           read-only metadata
 * @param protocolVersion    protocol version
 * @param applicationVersion application version
 */
public record NodeSnapshot(
        UUID id,
        InetSocketAddress address,
        NodeState state,
        long incarnation,
        Map<String, String> metadata,
        int protocolVersion,
        String applicationVersion) implements Node {

    /** Nodes are equal when their ids are: a snapshot matches any other snapshot of the same node. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Node n && n.id().equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "Node[" + id + " " + address + " " + state + " inc=" + incarnation + "]";
    }
}
