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

    /** @return packets received and accepted */
    long packetsReceived();

    /** @return bytes received */
    long bytesReceived();

    /** @return outgoing dissemination items evicted because the broadcast queue was full */
    long broadcastsEvicted();

    /** @return callbacks that threw */
    long callbackErrors();
}
