package io.tamtam.query;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Filters and limits of a query. A node answers when it matches every filter given.
 *
 * @param nodes            only these nodes; empty for any
 * @param tags             metadata key to a regular expression the node's value must match entirely; empty for any
 * @param service          only nodes offering this service ({@link io.tamtam.services.Services}); null for any
 * @param timeout          the deadline; null for the default, {@code gossipInterval × 16 × ceil(log10(N + 1))}
 *                         with N the live members (as Serf), so it grows with the number of gossip rounds
 *                         dissemination needs to reach everyone
 * @param relayFactor      each answer is also sent through this many other random members (0 to
 *                         {@link #MAX_RELAY_FACTOR}), so one broken path does not lose it
 * @param requestAck       whether matching nodes acknowledge receipt (separately from answering)
 * @param maxResponseBytes longest answer accepted (1 to {@link #MAX_RESPONSE_BYTES})
 */
public record QueryOptions(Set<UUID> nodes, Map<String, String> tags, String service, Duration timeout,
                           int relayFactor, boolean requestAck, int maxResponseBytes) {
    /** Largest relay factor. */
    public static final int MAX_RELAY_FACTOR = 5;
    /** Largest answer size that may be allowed: 64 KiB. */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024;
    /** Most node ids in a node filter. */
    public static final int MAX_NODE_FILTER = 1024;
    /** Most tag filters; each key at most 255 bytes and each expression at most 256 characters. */
    public static final int MAX_TAG_FILTERS = 16;
    /** No filter, default deadline, no relays, acknowledgements, 1 KiB answers. */
    public static final QueryOptions DEFAULT = new QueryOptions(Set.of(), Map.of(), null, null, 0, true, 1024);

    /** Checks the fields. */
    public QueryOptions {
        nodes = Set.copyOf(Objects.requireNonNull(nodes, "nodes"));
        tags = Map.copyOf(Objects.requireNonNull(tags, "tags"));
        if (nodes.size() > MAX_NODE_FILTER) {
            throw new IllegalArgumentException("a node filter may name at most " + MAX_NODE_FILTER + " nodes, not " + nodes.size());
        }
        if (tags.size() > MAX_TAG_FILTERS) {
            throw new IllegalArgumentException("at most " + MAX_TAG_FILTERS + " tag filters, not " + tags.size());
        }
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (e.getKey().length() > 255 || e.getValue().length() > 256) {
                throw new IllegalArgumentException("tag filter keys are at most 255 bytes and expressions 256 characters");
            }
            java.util.regex.Pattern.compile(e.getValue());
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, or null for the default");
        }
        if (relayFactor < 0 || relayFactor > MAX_RELAY_FACTOR) {
            throw new IllegalArgumentException("relayFactor must be 0 to " + MAX_RELAY_FACTOR + ", was " + relayFactor);
        }
        if (maxResponseBytes < 1 || maxResponseBytes > MAX_RESPONSE_BYTES) {
            throw new IllegalArgumentException("maxResponseBytes must be 1 to " + MAX_RESPONSE_BYTES + ", was " + maxResponseBytes);
        }
    }

    /** @param ids the nodes @return a copy asking only them */
    public QueryOptions nodes(Set<UUID> ids) {
        return new QueryOptions(ids, tags, service, timeout, relayFactor, requestAck, maxResponseBytes);
    }

    /** @param key a metadata key @param regex what its value must match @return a copy with that filter added */
    public QueryOptions tag(String key, String regex) {
        Map<String, String> m = new java.util.HashMap<>(tags);
        m.put(key, regex);
        return new QueryOptions(nodes, m, service, timeout, relayFactor, requestAck, maxResponseBytes);
    }

    /** @param name a service @return a copy asking only nodes that offer it */
    public QueryOptions service(String name) {
        return new QueryOptions(nodes, tags, name, timeout, relayFactor, requestAck, maxResponseBytes);
    }

    /** @param deadline the deadline @return a copy with it */
    public QueryOptions timeout(Duration deadline) {
        return new QueryOptions(nodes, tags, service, deadline, relayFactor, requestAck, maxResponseBytes);
    }

    /** @param k relays per answer @return a copy with it */
    public QueryOptions relayFactor(int k) {
        return new QueryOptions(nodes, tags, service, timeout, k, requestAck, maxResponseBytes);
    }

    /** @param ack whether to ask for acknowledgements @return a copy with it */
    public QueryOptions requestAck(boolean ack) {
        return new QueryOptions(nodes, tags, service, timeout, relayFactor, ack, maxResponseBytes);
    }

    /** @param bytes longest answer @return a copy with it */
    public QueryOptions maxResponseBytes(int bytes) {
        return new QueryOptions(nodes, tags, service, timeout, relayFactor, requestAck, bytes);
    }

    /**
     * @param gossipInterval the cluster's gossip interval
     * @param liveMembers    live members now
     * @return the default deadline: {@code gossipInterval × 16 × ceil(log10(liveMembers + 1))}
     */
    public static Duration defaultTimeout(Duration gossipInterval, int liveMembers) {
        int rounds = (int) Math.ceil(Math.log10(liveMembers + 1.0));
        return gossipInterval.multipliedBy(16L * Math.max(1, rounds));
    }
}
