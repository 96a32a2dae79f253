package io.tamtam.internal;

import io.tamtam.ClusterStats;
import io.tamtam.DropReason;
import io.tamtam.internal.dissemination.BroadcastQueue;
import io.tamtam.internal.failure.Awareness;
import io.tamtam.internal.peer.Peer;
import io.tamtam.internal.peer.Peers;
import io.tamtam.internal.peer.RoundTripWindow;
import io.tamtam.internal.runtime.ByteBudget;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.wire.Message;

import java.util.Optional;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The node's counters; updated from any thread. */
public final class Stats implements ClusterStats, io.tamtam.internal.wire.PacketCodec.Counter {
    private static final Path[] PATHS = Path.values();
    private final LongAdder[] pathPacketsSent = adders();
    private final LongAdder[] pathBytesSent = adders();
    private final LongAdder[] pathPacketsReceived = adders();
    private final LongAdder[] pathBytesReceived = adders();
    private final TypeCounts typesSent = new TypeCounts();
    private final TypeCounts typesReceived = new TypeCounts();
    private final RoundTripWindow roundTrips = new RoundTripWindow(ROUND_TRIP_WINDOW);
    private final LongAdder suspicionsRaised = new LongAdder();
    private final LongAdder probesLate = new LongAdder();
    private final LongAdder suspicionsRefuted = new LongAdder();
    private final LongAdder suspicionsConfirmed = new LongAdder();
    private final LongAdder broadcastsOriginated = new LongAdder();
    private final LongAdder broadcastsRelayed = new LongAdder();
    private volatile ByteBudget protocolBacklog;
    private volatile ByteBudget pendingMessages;
    private volatile BroadcastQueue broadcastQueue;
    private volatile Completions completions;
    private volatile Awareness awareness;
    private volatile Peers peers;
    private final AtomicLongArray dropped = new AtomicLongArray(DropReason.values().length);
    private final LongAdder packetsSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder packetsReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder callbackErrors = new LongAdder();
    private volatile LongSupplier evicted = () -> 0;
    private volatile Errors errors;
    private volatile LongSupplier completionStalls = () -> 0;
    private volatile LongSupplier sessionsEvicted = () -> 0;
    private volatile LongSupplier eventsMissed = () -> 0;

    /** @param reason why a packet was dropped */
    public void drop(DropReason reason) {
        dropped.incrementAndGet(reason.ordinal());
    }

    /**
     * @param reason why
     * @param count  how many were dropped
     */
    public void drop(DropReason reason, long count) {
        dropped.addAndGet(reason.ordinal(), count);
    }

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[PATHS.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /**
     * @param path  {@link Path#DATAGRAM} or {@link Path#FRAME}
     * @param bytes size of a packet sent
     */
    public void sent(Path path, int bytes) {
        packetsSent.increment();
        bytesSent.add(bytes);
        pathPacketsSent[path.ordinal()].increment();
        pathBytesSent[path.ordinal()].add(bytes);
    }

    /**
     * @param path  {@link Path#DATAGRAM} or {@link Path#FRAME}
     * @param bytes size of a packet accepted
     */
    public void received(Path path, int bytes) {
        packetsReceived.increment();
        bytesReceived.add(bytes);
        pathPacketsReceived[path.ordinal()].increment();
        pathBytesReceived[path.ordinal()].add(bytes);
    }

    /** @param bytes bytes the application wrote to a stream in one call */
    public void streamWritten(int bytes) {
        pathPacketsSent[Path.STREAM.ordinal()].increment();
        pathBytesSent[Path.STREAM.ordinal()].add(bytes);
    }

    /** @param bytes bytes one read of a stream returned to the application */
    public void streamRead(int bytes) {
        pathPacketsReceived[Path.STREAM.ordinal()].increment();
        pathBytesReceived[Path.STREAM.ordinal()].add(bytes);
    }

    @Override
    public void item(byte[] item) {
        int kind = item[0] & 0xFF;
        typesSent.kind(kind);
        int at = switch (kind) {
            case io.tamtam.internal.wire.WireFormat.USER -> 1;
            case io.tamtam.internal.wire.WireFormat.REQUEST -> 9;
            case io.tamtam.internal.wire.WireFormat.BROADCAST, io.tamtam.internal.wire.WireFormat.RELIABLE -> 25;
            default -> -1;
        };
        if (at > 0 && item.length >= at + 2) {
            typesSent.user((item[at] & 0xFF) << 8 | item[at + 1] & 0xFF);
        }
    }

    @Override
    public void message(Message m) {
        count(typesSent, m);
    }

    /** @param m a message in a packet accepted */
    public void messageReceived(Message m) {
        count(typesReceived, m);
    }

    /** @param ms the messages of a packet accepted */
    public void messagesReceived(List<? extends Message> ms) {
        count(typesReceived, ms);
    }

    @Override
    public void messages(List<? extends Message> ms) {
        count(typesSent, ms);
    }

    private static void count(TypeCounts counts, Message m) {
        counts.kind(m.type());
        int user = userType(m);
        if (user > 0) {
            counts.user(user);
        }
    }

    /** Counts messages by kind and user type, one addition per run of messages alike. */
    private static void count(TypeCounts counts, List<? extends Message> ms) {
        int n = ms.size();
        int i = 0;
        while (i < n) {
            Message m = ms.get(i);
            int kind = m.type();
            int user = userType(m);
            int end = i + 1;
            while (end < n && ms.get(end).type() == kind && userType(ms.get(end)) == user) {
                end++;
            }
            counts.kind(kind, end - i);
            if (user > 0) {
                counts.user(user, end - i);
            }
            i = end;
        }
    }

    private static int userType(Message m) {
        if (m instanceof Message.User u) {
            return u.userType();
        } else if (m instanceof Message.Reliable r) {
            return r.userType();
        } else if (m instanceof Message.Request r) {
            return r.userType();
        } else if (m instanceof Message.Broadcast b) {
            return b.userType();
        }
        return 0;
    }

    /**
     * @param member the probed member
     * @param nanos  from the probe's ping to its first ack
     */
    public void probeRoundTrip(UUID member, long nanos) {
        roundTrips.record(nanos);
        Peers p = peers;
        Peer peer = p == null ? null : p.member(member);
        if (peer != null) {
            peer.probeRoundTrip(nanos);
        }
    }

    /** Counts a member this node suspected after its own probe failed. */
    public void suspicionRaised() {
        suspicionsRaised.increment();
    }

    /** Counts a failed probe checked too late to raise a suspicion. */
    public void probeLate() {
        probesLate.increment();
    }

    /** Counts a suspicion of this node that it refuted. */
    public void suspicionRefuted() {
        suspicionsRefuted.increment();
    }

    /** Counts a suspected member that became DEAD. */
    public void suspicionConfirmed() {
        suspicionsConfirmed.increment();
    }

    /** Counts a user broadcast originated here. */
    public void broadcastOriginated() {
        broadcastsOriginated.increment();
    }

    /** Counts a user broadcast queued to be passed on. */
    public void broadcastRelayed() {
        broadcastsRelayed.increment();
    }

    /** Counts a callback that threw. */
    public void callbackError() {
        callbackErrors.increment();
    }

    void evictedFrom(LongSupplier s) {
        evicted = s;
    }

    void observeDepths(ByteBudget protocolBacklog, ByteBudget pendingMessages, BroadcastQueue broadcastQueue,
                       Completions completions, Awareness awareness, Peers peers) {
        this.protocolBacklog = protocolBacklog;
        this.pendingMessages = pendingMessages;
        this.broadcastQueue = broadcastQueue;
        this.completions = completions;
        this.awareness = awareness;
        this.peers = peers;
    }

    void observe(Errors errors, LongSupplier completionStalls, LongSupplier sessionsEvicted, LongSupplier eventsMissed) {
        this.errors = errors;
        this.completionStalls = completionStalls;
        this.sessionsEvicted = sessionsEvicted;
        this.eventsMissed = eventsMissed;
    }

    @Override
    public long errors() {
        Errors e = errors;
        return e == null ? 0 : e.total();
    }

    @Override
    public java.util.Map<String, Long> errorsByKind() {
        Errors e = errors;
        return e == null ? java.util.Map.of() : e.byKind();
    }

    @Override
    public long completionStalls() {
        return completionStalls.getAsLong();
    }

    @Override
    public long sessionsEvicted() {
        return sessionsEvicted.getAsLong();
    }

    @Override
    public long eventsMissed() {
        return eventsMissed.getAsLong();
    }

    @Override
    public long dropped(DropReason reason) {
        return dropped.get(reason.ordinal());
    }

    @Override
    public long packetsSent() {
        return packetsSent.sum();
    }

    @Override
    public long bytesSent() {
        return bytesSent.sum();
    }

    @Override
    public long packetsReceived() {
        return packetsReceived.sum();
    }

    @Override
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    @Override
    public long broadcastsEvicted() {
        return evicted.getAsLong();
    }

    @Override
    public long callbackErrors() {
        return callbackErrors.sum();
    }

    @Override
    public long packetsSent(Path path) {
        return pathPacketsSent[path.ordinal()].sum();
    }

    @Override
    public long bytesSent(Path path) {
        return pathBytesSent[path.ordinal()].sum();
    }

    @Override
    public long packetsReceived(Path path) {
        return pathPacketsReceived[path.ordinal()].sum();
    }

    @Override
    public long bytesReceived(Path path) {
        return pathBytesReceived[path.ordinal()].sum();
    }

    @Override
    public long messagesSent(int type) {
        return typesSent.get(type);
    }

    @Override
    public long messagesReceived(int type) {
        return typesReceived.get(type);
    }

    @Override
    public java.util.Map<Integer, Long> messagesSentByType() {
        return typesSent.all();
    }

    @Override
    public java.util.Map<Integer, Long> messagesReceivedByType() {
        return typesReceived.all();
    }

    @Override
    public long protocolBacklog() {
        ByteBudget b = protocolBacklog;
        return b == null ? 0 : b.items();
    }

    @Override
    public long protocolBacklogBytes() {
        ByteBudget b = protocolBacklog;
        return b == null ? 0 : b.bytes();
    }

    @Override
    public long pendingMessages() {
        ByteBudget b = pendingMessages;
        return b == null ? 0 : b.items();
    }

    @Override
    public long pendingMessageBytes() {
        ByteBudget b = pendingMessages;
        return b == null ? 0 : b.bytes();
    }

    @Override
    public long broadcastQueueItems() {
        BroadcastQueue q = broadcastQueue;
        return q == null ? 0 : q.size();
    }

    @Override
    public long broadcastQueueBytes() {
        BroadcastQueue q = broadcastQueue;
        return q == null ? 0 : q.bytes();
    }

    @Override
    public long completionBacklog() {
        Completions c = completions;
        return c == null ? 0 : c.backlog();
    }

    @Override
    public RoundTrips probeRoundTrips() {
        return roundTrips.summary();
    }

    @Override
    public Optional<RoundTrips> probeRoundTrips(UUID member) {
        Peers p = peers;
        Peer peer = p == null ? null : p.existing(member);
        RoundTripWindow w = peer == null ? null : peer.roundTrips();
        return w == null ? Optional.empty() : Optional.of(w.summary());
    }

    @Override
    public int localHealthScore() {
        Awareness a = awareness;
        return a == null ? 0 : a.score();
    }

    @Override
    public long suspicionsRaised() {
        return suspicionsRaised.sum();
    }

    @Override
    public long probesLate() {
        return probesLate.sum();
    }

    @Override
    public long suspicionsRefuted() {
        return suspicionsRefuted.sum();
    }

    @Override
    public long suspicionsConfirmed() {
        return suspicionsConfirmed.sum();
    }

    @Override
    public long broadcastsOriginated() {
        return broadcastsOriginated.sum();
    }

    @Override
    public long broadcastsRelayed() {
        return broadcastsRelayed.sum();
    }

    @Override
    public long broadcastsExpired() {
        BroadcastQueue q = broadcastQueue;
        return q == null ? 0 : q.expired();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("sent=").append(packetsSent()).append('/').append(bytesSent())
                .append("B received=").append(packetsReceived()).append('/').append(bytesReceived()).append('B');
        for (DropReason r : DropReason.values()) {
            long n = dropped(r);
            if (n > 0) {
                sb.append(' ').append(r).append('=').append(n);
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ transfers

    private final LongAdder transfersStarted = new LongAdder();
    private final LongAdder transfersCompleted = new LongAdder();
    private final LongAdder transfersFailed = new LongAdder();
    private final LongAdder transfersCancelled = new LongAdder();
    private final LongAdder transferBytesSent = new LongAdder();
    private final LongAdder transferBytesReceived = new LongAdder();
    private final LongAdder transferBytesResumed = new LongAdder();
    private final LongAdder transferPartsSent = new LongAdder();
    private final LongAdder transferPartsRejected = new LongAdder();

    /** A transfer started. */
    public void transferStarted() {
        transfersStarted.increment();
    }

    /** @param status how a transfer ended */
    public void transferEnded(io.tamtam.transfer.TransferResult.Status status) {
        switch (status) {
            case COMPLETED -> transfersCompleted.increment();
            case CANCELLED -> transfersCancelled.increment();
            default -> transfersFailed.increment();
        }
    }

    /** @param bytes acknowledged part bytes */
    public void transferBytesSent(long bytes) {
        transferBytesSent.add(bytes);
    }

    /** @param bytes part bytes written */
    public void transferBytesReceived(long bytes) {
        transferBytesReceived.add(bytes);
    }

    /** @param bytes bytes the receiver held already */
    public void transferResumed(long bytes) {
        transferBytesResumed.add(bytes);
    }

    /** A part was sent. */
    public void transferPartSent() {
        transferPartsSent.increment();
    }

    /** A part was dropped. */
    public void transferPartRejected() {
        transferPartsRejected.increment();
    }

    @Override
    public long transfersStarted() {
        return transfersStarted.sum();
    }

    @Override
    public long transfersCompleted() {
        return transfersCompleted.sum();
    }

    @Override
    public long transfersFailed() {
        return transfersFailed.sum();
    }

    @Override
    public long transfersCancelled() {
        return transfersCancelled.sum();
    }

    @Override
    public long transferBytesSent() {
        return transferBytesSent.sum();
    }

    @Override
    public long transferBytesReceived() {
        return transferBytesReceived.sum();
    }

    @Override
    public long transferBytesResumed() {
        return transferBytesResumed.sum();
    }

    @Override
    public long transferPartsSent() {
        return transferPartsSent.sum();
    }

    @Override
    public long transferPartsRejected() {
        return transferPartsRejected.sum();
    }

    private final LongAdder broadcastsDroppedByTtl = new LongAdder();

    /** A TTL broadcast arrived expired. */
    public void broadcastDroppedByTtl() {
        broadcastsDroppedByTtl.increment();
    }

    @Override
    public long broadcastsDroppedByTtl() {
        return broadcastsDroppedByTtl.sum();
    }
}
