package io.tamtam.query;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a query collected by its deadline (or once every expected node answered).
 *
 * @param acked      nodes that acknowledged (only when {@link QueryOptions#requestAck()})
 * @param responses  each answering node's answer
 * @param missing    nodes expected to answer that did not: the live members, when the query was sent,
 *                   that match its filters as this node knows their metadata and services
 * @param elapsed    time from sending to completing the summary
 * @param duplicates answers received again (through relays) and ignored
 * @param oversized  answers dropped because they exceeded {@link QueryOptions#maxResponseBytes()}
 */
public record QuerySummary(Set<UUID> acked, Map<UUID, byte[]> responses, Set<UUID> missing, Duration elapsed,
                           int duplicates, int oversized) {
}
