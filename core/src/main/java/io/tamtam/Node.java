package io.tamtam;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An immutable snapshot of one member of the cluster. A later change (state, incarnation, metadata)
 * produces a new snapshot. Identity is the id: two snapshots of one node are {@code equals} with equal
 * hash codes whatever else changed, so nodes work as map keys and set members. Anywhere a node is taken
 * as a destination, any snapshot of it, however old, works: only its id is used.
 */
public interface Node {

    /** @return the node's id, a UUIDv7 unless the configuration gave one */
    UUID id();

    /** @return the address the node advertises for both the datagram and the stream path */
    InetSocketAddress address();

    /**
     * @return every address the node can be reached at, each with the scheme of its transport, in the
     *         node's order of preference: the list the node advertises
     *         ({@link ClusterConfig.Builder#advertiseAddresses}, else the addresses its
     *         {@link io.tamtam.spi.MultiTransport} is bound at), or, when it advertises none, the one
     *         {@code udp+tcp://} {@link #address()} that both the datagram (UDP) and the stream (TCP) path
     *         listen on
     */
    default List<NodeAddress> addresses() {
        return List.of(NodeAddress.udpTcp(address()));
    }

    /** @return the node's state as this node last saw it */
    NodeState state();

    /** @return the node's incarnation number; only the node itself increases it, to refute suspicion */
    long incarnation();

    /** @return the node's metadata; a read-only view */
    Map<String, String> metadata();

    /** @return the wire protocol version the node speaks */
    int protocolVersion();

    /** @return the application version the node announced, empty when none */
    String applicationVersion();
}
