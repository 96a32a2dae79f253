package io.tamtam.query;

import java.util.UUID;

/** Told of acknowledgements and answers as they arrive; runs on the callback executor, one call at a time. */
public interface QueryListener {
    /** @param node a node that received the query and matched its filters */
    default void onAck(UUID node) {
    }

    /** @param response an answer (each node's first; duplicates are suppressed) */
    void onResponse(QueryResponse response);
}
