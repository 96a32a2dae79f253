package io.tamtam;

/**
 * Accepts inbound streams of one type.
 *
 * <p>Threading: called on its own thread per stream (streams block by nature), never on a protocol or
 * network thread. The handler owns the stream and closes it; an exception closes it.
 */
@FunctionalInterface
public interface StreamHandler {
    /**
     * @param stream the accepted stream
     * @throws Exception to close the stream with an error
     */
    void handle(NodeStream stream) throws Exception;
}
