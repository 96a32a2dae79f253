package io.tamtam;

/**
 * Counters of one cluster node, readable from any thread. Every value only grows.
 */
public interface ClusterStats {

    /**
     * @param reason a drop reason
     * @return inbound packets dropped for that reason
     */
    long dropped(DropReason reason);

    /** @return packets sent (datagrams and frames) */
    long packetsSent();

    /** @return bytes sent, headers included */
    long bytesSent();

    /**
     * @return packets received that decoded and were handed to the protocol (a message inside one may
     *         still be dropped, for example for want of a handler, and is then counted by its reason)
     */
    long packetsReceived();

    /** @return bytes received */
    long bytesReceived();

    /** @return outgoing dissemination items evicted because the broadcast queue was full */
    long broadcastsEvicted();

    /** @return callbacks that threw */
    long callbackErrors();

    /** @return background faults reported (see {@link ErrorHandler}) */
    long errors();

    /**
     * @return background faults by kind: the context the {@link ErrorHandler} is given, with numbers
     *         replaced by {@code #}; a new map on each call
     */
    java.util.Map<String, Long> errorsByKind();

    /**
     * @return times future completions made no progress for 200 ms because user code held them (a
     *         continuation or listener that blocks) and moved to another thread
     */
    long completionStalls();

    /** @return sessions of senders that were not members, evicted because their bounded pool was full */
    long sessionsEvicted();

    /** @return membership events a listener missed because it was too far behind */
    long eventsMissed();
}
