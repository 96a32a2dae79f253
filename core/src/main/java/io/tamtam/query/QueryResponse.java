package io.tamtam.query;

import java.time.Duration;
import java.util.UUID;

/**
 * One answer to a query, as the asking node receives it.
 *
 * @param from    the node that answered
 * @param payload its answer
 * @param after   time from sending the query to receiving this answer, on this node's clock
 */
public record QueryResponse(UUID from, byte[] payload, Duration after) {
}
