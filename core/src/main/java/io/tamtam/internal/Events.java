package io.tamtam.internal;

import io.tamtam.MembershipEvent;
import io.tamtam.MembershipListener;
import io.tamtam.Subscription;
import io.tamtam.internal.membership.EventSink;
import io.tamtam.internal.membership.NodeSnapshot;
import io.tamtam.internal.runtime.BoundedListenerLane;
import io.tamtam.spi.NanoClock;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Hands membership events to listeners, each on its own serial lane of the callback executor. A
 * listener that falls {@link #MAX_QUEUED} events behind (it blocks) misses later events until it catches
 * up; each missed event is counted and the error handler is told once per backlog.
 */
final class Events implements EventSink {
    /** Most events waiting for one listener. */
    static final int MAX_QUEUED = BoundedListenerLane.MAX_QUEUED;

    private record Entry(MembershipListener listener, BoundedListenerLane lane) {
    }

    private final LongAdder missed = new LongAdder();

    private final List<Entry> listeners = new CopyOnWriteArrayList<>();
    private final List<EventSink> internal = new CopyOnWriteArrayList<>();
    private final Executor callbacks;
    private final BiConsumer<String, Throwable> errors;
    private final NanoClock clock;

    Events(Executor callbacks, BiConsumer<String, Throwable> errors, NanoClock clock) {
        this.callbacks = callbacks;
        this.errors = errors;
        this.clock = clock;
    }

    Subscription add(MembershipListener l) {
        return register(entry(l));
    }

    private Entry entry(MembershipListener l) {
        return new Entry(l, new BoundedListenerLane(callbacks, missed, errors, "membership listener"));
    }

    private Subscription register(Entry e) {
        listeners.add(e);
        return () -> listeners.remove(e);
    }

    /**
     * Registers a listener whose first call is {@code first}, queued on its lane before any later event.
     * Call on the protocol thread (where events are emitted), so that no event falls between.
     */
    Subscription add(MembershipListener l, Runnable first) {
        Entry e = entry(l);
        e.lane().callFirst(first, "membership snapshot consumer");
        return register(e);
    }

    void addInternal(EventSink sink) {
        internal.add(sink);
    }

    @Override
    public void emit(MembershipEvent.Type type, NodeSnapshot node, NodeSnapshot previous, MembershipEvent.Cause cause,
                     UUID source, int confirmations) {
        for (EventSink s : internal) {
            s.emit(type, node, previous, cause, source, confirmations);
        }
        if (listeners.isEmpty()) {
            return;
        }
        MembershipEvent ev = new MembershipEvent(type, node, previous == null ? null : previous.state(),
                previous == null ? Map.of() : previous.metadata(), clock.nanoTime(), cause, source, confirmations);
        for (Entry e : listeners) {
            e.lane().call(() -> e.listener().onEvent(ev));
        }
    }

    /** @return events not handed to a listener because it was too far behind */
    long missed() {
        return missed.sum();
    }
}
