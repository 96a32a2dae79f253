package io.tamtam.internal;

import io.tamtam.MembershipEvent;
import io.tamtam.MembershipListener;
import io.tamtam.Subscription;
import io.tamtam.internal.membership.EventSink;
import io.tamtam.internal.membership.NodeSnapshot;
import io.tamtam.internal.runtime.SerialExecutor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/** Hands membership events to listeners, each on its own serial lane of the callback executor. */
final class Events implements EventSink {
    private record Entry(MembershipListener listener, SerialExecutor lane) {
    }

    private final List<Entry> listeners = new CopyOnWriteArrayList<>();
    private final List<EventSink> internal = new CopyOnWriteArrayList<>();
    private final Executor callbacks;
    private final BiConsumer<String, Throwable> errors;

    Events(Executor callbacks, BiConsumer<String, Throwable> errors) {
        this.callbacks = callbacks;
        this.errors = errors;
    }

    Subscription add(MembershipListener l) {
        Entry e = new Entry(l, new SerialExecutor(callbacks));
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
            try {
                e.lane().execute(() -> {
                    try {
                        e.listener().onEvent(ev);
                    } catch (RuntimeException | Error t) {
                        errors.accept("membership listener", t);
                    }
                });
            } catch (RuntimeException rejected) {
                // closing
            }
        }
    }
}
