package io.tamtam.query;

import io.tamtam.Node;

/**
 * A query as a node receives it.
 *
 * @param id      the query's id, unique per origin
 * @param name    the query name
 * @param origin  the node that asked
 * @param payload the bytes it asked with
 */
public record QueryRequest(long id, String name, Node origin, byte[] payload) {
}
