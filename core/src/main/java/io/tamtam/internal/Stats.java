package io.tamtam.internal;

import io.tamtam.ClusterStats;
import io.tamtam.DropReason;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The node's counters; updated from any thread. */
public final class Stats implements ClusterStats {
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

    /** @param bytes size of a packet sent */
    public void sent(int bytes) {
        packetsSent.increment();
        bytesSent.add(bytes);
    }

    /** @param bytes size of a packet accepted */
    public void received(int bytes) {
        packetsReceived.increment();
        bytesReceived.add(bytes);
    }

    /** Counts a callback that threw. */
    public void callbackError() {
        callbackErrors.increment();
    }

    void evictedFrom(LongSupplier s) {
        evicted = s;
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
}
