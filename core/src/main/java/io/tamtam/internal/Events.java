package io.tamtam.internal;

import io.tamtam.MembershipEvent;
import io.tamtam.MembershipListener;
import io.tamtam.Subscription;
import io.tamtam.internal.membership.EventSink;
import io.tamtam.internal.membership.NodeSnapshot;
import io.tamtam.internal.runtime.SerialExecutor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
    static final int MAX_QUEUED = 65_536;

    private record Entry(MembershipListener listener, SerialExecutor lane, AtomicInteger queued, AtomicBoolean behind) {
    }

    private final LongAdder missed = new LongAdder();

    private final List<Entry> listeners = new CopyOnWriteArrayList<>();
    private final List<EventSink> internal = new CopyOnWriteArrayList<>();
    private final Executor callbacks;
    private final BiConsumer<String, Throwable> errors;

    Events(Executor callbacks, BiConsumer<String, Throwable> errors) {
        this.callbacks = callbacks;
        this.errors = errors;
    }

    Subscription add(MembershipListener l) {
        Entry e = new Entry(l, new SerialExecutor(callbacks), new AtomicInteger(), new AtomicBoolean());
        listeners.add(e);
        return () -> listeners.remove(e);
    }

    void addInternal(EventSink sink) {
        internal.add(sink);
    }

    @Override
    public void emit(MembershipEvent.Type type, NodeSnapshot node) {
        for (EventSink s : internal) {
            s.emit(type, node);
        }
        if (listeners.isEmpty()) {
            return;
        }
        MembershipEvent ev = new MembershipEvent(type, node);
        for (Entry e : listeners) {
            if (e.queued().incrementAndGet() > MAX_QUEUED) {
                e.queued().decrementAndGet();
                missed.increment();
                if (e.behind().compareAndSet(false, true)) {
                    errors.accept("membership listener", new IllegalStateException("a membership listener is "
                            + MAX_QUEUED + " events behind (it blocks?): later events are dropped until it catches up"));
                }
                continue;
            }
            try {
                e.lane().execute(() -> {
                    e.queued().decrementAndGet();
                    e.behind().set(false);
                    try {
                        e.listener().onEvent(ev);
                    } catch (RuntimeException | Error t) {
                        errors.accept("membership listener", t);
                    }
                });
            } catch (RuntimeException rejected) {
                e.queued().decrementAndGet();
            }
        }
    }

    /** @return events not handed to a listener because it was too far behind */
    long missed() {
        return missed.sum();
    }
}
