package io.tamtam;

/**
 * Counters and gauges of one cluster node, readable from any thread. Counters only grow; the queue
 * depths, the local health score and the probe round-trip times describe the node now. Counting costs
 * no allocation per message: counters are {@link java.util.concurrent.atomic.LongAdder}s and atomic
 * arrays; reading one is a sum over a few cells. Methods that return a map or a summary build it on
 * each call.
 */
public interface ClusterStats {

    /** The way a packet or byte travels. */
    enum Path {
        /** Datagrams (UDP with the default transport): probes, gossip, small messages. */
        DATAGRAM,
        /** Frames on the stream path's connections (TCP): large or spilled packets, reliable messages, push-pull. */
        FRAME,
        /** The bytes of {@link NodeStream}s, as the application writes and reads them (before sealing). */
        STREAM
    }

    /**
     * A summary of recent probe round-trip times.
     *
     * @param samples how many round trips it is computed from (the most recent ones, at most the window)
     * @param p50     the median
     * @param p90     the 90th percentile
     * @param p99     the 99th percentile
     * @param max     the longest
     */
    record RoundTrips(int samples, java.time.Duration p50, java.time.Duration p90, java.time.Duration p99,
                      java.time.Duration max) {
    }

    /** How many distinct user message types are counted separately, per direction; others go to {@link #OTHER_USER_TYPES}. */
    int TRACKED_USER_TYPES = 256;

    /** The key under which messages of user types beyond the first {@link #TRACKED_USER_TYPES} seen are counted. */
    int OTHER_USER_TYPES = -1;

    /** Round trips kept per member for {@link #probeRoundTrips(java.util.UUID)}. */
    int ROUND_TRIP_WINDOW_PER_MEMBER = 64;

    /** Round trips kept across members for {@link #probeRoundTrips()}. */
    int ROUND_TRIP_WINDOW = 1024;

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

    /** @return membership, service and status events a listener missed because it was 65,536 events behind */
    long eventsMissed();

    // ------------------------------------------------------------------ traffic by path

    /**
     * @param path a path
     * @return packets sent on it: datagrams and frames as handed to the transport (retries included);
     *         for {@link Path#STREAM}, write calls on stream output
     */
    long packetsSent(Path path);

    /**
     * @param path a path
     * @return bytes sent on it: whole packets, header included; for {@link Path#STREAM}, the bytes the
     *         application wrote
     */
    long bytesSent(Path path);

    /**
     * @param path a path
     * @return packets received on it that decoded and were handed to the protocol; for
     *         {@link Path#STREAM}, reads of stream input that returned bytes
     */
    long packetsReceived(Path path);

    /**
     * @param path a path
     * @return bytes of those packets; for {@link Path#STREAM}, the bytes the application read
     */
    long bytesReceived(Path path);

    // ------------------------------------------------------------------ messages by type

    /**
     * @param type a protocol message kind (the type byte of PROTOCOL.md, 0x01 to 0x7F) or a user message
     *             type ({@value Cluster#USER_TYPE_MIN} to {@value Cluster#USER_TYPE_MAX}), or
     *             {@link #OTHER_USER_TYPES}
     * @return messages of that kind or type put into packets by this node: each transmission of a
     *         gossiped item counts, a retry of the same packet does not. A user message counts twice, once
     *         under its protocol kind (USER, RELIABLE, REQUEST, BROADCAST) and once under its user type;
     *         user types beyond the first {@link #TRACKED_USER_TYPES} seen count under
     *         {@link #OTHER_USER_TYPES} only
     */
    long messagesSent(int type);

    /**
     * @param type as for {@link #messagesSent(int)}
     * @return messages of that kind or type in packets this node received and accepted (every copy of a
     *         gossiped broadcast counts), counted as {@link #messagesSent(int)} counts
     */
    long messagesReceived(int type);

    /** @return every kind and type with a non-zero {@link #messagesSent(int)}; a new map on each call */
    java.util.Map<Integer, Long> messagesSentByType();

    /** @return every kind and type with a non-zero {@link #messagesReceived(int)}; a new map on each call */
    java.util.Map<Integer, Long> messagesReceivedByType();

    // ------------------------------------------------------------------ queue depths now

    /** @return received packets waiting for the protocol thread now */
    long protocolBacklog();

    /** @return bytes those packets hold now, plus 128 per packet for its bookkeeping */
    long protocolBacklogBytes();

    /** @return user messages waiting for their handlers, or held for their sender's order, now */
    long pendingMessages();

    /** @return payload bytes those messages hold now, plus 128 per message for its bookkeeping */
    long pendingMessageBytes();

    /** @return items (membership changes and user broadcasts) waiting in the broadcast queue now */
    long broadcastQueueItems();

    /** @return encoded bytes of those items */
    long broadcastQueueBytes();

    /** @return future completions queued on the node's completion lane, not yet run, now */
    long completionBacklog();

    // ------------------------------------------------------------------ failure detection

    /**
     * @return the round trips of this node's recent probes (the last {@link #ROUND_TRIP_WINDOW} across
     *         members): the time from sending a probe's ping to the first ack for it, whether direct or,
     *         after the probe timeout, relayed by a helper or sent back over the stream path. Probes that
     *         got no ack are not included. All zero before the first ack
     */
    RoundTrips probeRoundTrips();

    /**
     * @param member a member's id
     * @return as {@link #probeRoundTrips()} for the last {@link #ROUND_TRIP_WINDOW_PER_MEMBER} probes of
     *         that member; empty when it is not a member or no probe of it was acked yet. Forgotten
     *         when the member is removed
     */
    java.util.Optional<RoundTrips> probeRoundTrips(java.util.UUID member);

    /**
     * @return this node's Lifeguard local health score now: 0 is healthy; missed acks, missing nacks and
     *         being suspected raise it, acked probes lower it, up to
     *         {@link ClusterConfig#awarenessMaxMultiplier()} - 1. Probe interval and timeout are multiplied
     *         by score + 1
     */
    int localHealthScore();

    /** @return members this node suspected because its own probe of them got no ack in time */
    long suspicionsRaised();

    /**
     * @return probes that got no ack and raised no suspicion because this node checked them more than a
     *         probe timeout late (it was stalled: a collector pause, a starved thread); each raised its
     *         local health score instead
     */
    default long probesLate() {
        return 0;
    }

    /**
     * @return suspicions of this node (a SUSPECT or DEAD claim about it) it refuted by raising its
     *         incarnation
     */
    long suspicionsRefuted();

    /**
     * @return suspected members that became DEAD in this node's member table, by this node's suspicion
     *         timeout or by a DEAD message from another node
     */
    long suspicionsConfirmed();

    // ------------------------------------------------------------------ dissemination

    /** @return user broadcasts this node originated and queued for dissemination */
    long broadcastsOriginated();

    /** @return user broadcasts from other nodes this node received for the first time and queued to pass on */
    long broadcastsRelayed();

    /**
     * @return broadcast queue items (membership changes and user broadcasts) retired because they had
     *         been sent their transmit limit of times; evicted items are counted by
     *         {@link #broadcastsEvicted()}
     */
    long broadcastsExpired();

    // ------------------------------------------------------------------ transfers

    /** @return transfers started: sent by this node, or accepted by its handlers */
    long transfersStarted();

    /** @return transfers that ended completed, on either side */
    long transfersCompleted();

    /** @return transfers that ended failed, on either side */
    long transfersFailed();

    /** @return transfers that ended cancelled (by either side or a deadline), on either side */
    long transfersCancelled();

    /** @return bytes of parts this node sent that the receiver acknowledged */
    long transferBytesSent();

    /** @return bytes of parts this node received and wrote to disk */
    long transferBytesReceived();

    /** @return bytes receivers already held, each time they accepted one of this node's transfers (at its start, or again after they restarted): not sent again */
    long transferBytesResumed();

    /** @return parts sent, resends included */
    long transferPartsSent();

    /** @return parts received and dropped: CRC32C mismatch, index or length out of range */
    long transferPartsRejected();

    /** @return broadcasts with a {@link BroadcastTtl} that arrived after their deadline: dropped, not delivered, not relayed */
    long broadcastsDroppedByTtl();
}
