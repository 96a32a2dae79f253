package io.tamtam.internal.membership;

import io.tamtam.Node;
import io.tamtam.NodeAddress;
import io.tamtam.NodeState;

import java.net.InetSocketAddress;
import java.util.List;
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
 * @param advertised         the addresses the node advertises with their schemes; empty when none
 */
public record NodeSnapshot(
        UUID id,
        InetSocketAddress address,
        NodeState state,
        long incarnation,
        Map<String, String> metadata,
        int protocolVersion,
        String applicationVersion,
        List<NodeAddress> advertised) implements Node {

    /** A node that advertises no address beyond {@code address}. */
    public NodeSnapshot(UUID id, InetSocketAddress address, NodeState state, long incarnation, Map<String, String> metadata,
                        int protocolVersion, String applicationVersion) {
        this(id, address, state, incarnation, metadata, protocolVersion, applicationVersion, List.of());
    }

    /** @param advertised null for none, copied */
    public NodeSnapshot {
        advertised = advertised == null ? List.of() : List.copyOf(advertised);
    }

    @Override
    public List<NodeAddress> addresses() {
        return advertised.isEmpty() ? Node.super.addresses() : advertised;
    }

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
