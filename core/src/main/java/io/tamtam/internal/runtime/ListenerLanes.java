package io.tamtam.internal.runtime;

import io.tamtam.Subscription;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Listeners of one kind of event, each called on a lane of its own on the callback executor, in the
 * order events were fired; a listener that throws is reported and keeps its registration. A listener
 * {@link #MAX_QUEUED} events behind (it blocks) misses later events until it catches up: each is counted
 * ({@link #missed}) and the error handler told once per backlog. Thread-safe.
 *
 * @param <E> the event
 */
public final class ListenerLanes<E> {
    /** Most events waiting for one listener, as for membership listeners. */
    public static final int MAX_QUEUED = BoundedListenerLane.MAX_QUEUED;

    private record Entry<E>(Consumer<E> listener, BoundedListenerLane lane) {
    }

    private final LongAdder missed = new LongAdder();

    private final List<Entry<E>> entries = new CopyOnWriteArrayList<>();
    private final Executor callbacks;
    private final BiConsumer<String, Throwable> errors;
    private final String what;

    /**
     * @param callbacks runs the listeners
     * @param errors    told a listener's failure
     * @param what      names the listeners in error reports
     */
    public ListenerLanes(Executor callbacks, BiConsumer<String, Throwable> errors, String what) {
        this.callbacks = callbacks;
        this.errors = errors;
        this.what = what;
    }

    /**
     * @param listener the listener
     * @return removes it
     */
    public Subscription add(Consumer<E> listener) {
        Entry<E> e = new Entry<>(java.util.Objects.requireNonNull(listener, "listener"),
                new BoundedListenerLane(callbacks, missed, errors, what));
        entries.add(e);
        return () -> entries.remove(e);
    }

    /** @param event handed to every listener */
    public void fire(E event) {
        for (Entry<E> e : entries) {
            e.lane().call(() -> e.listener().accept(event));
        }
    }

    /** @return events a listener missed because it was {@link #MAX_QUEUED} behind */
    public long missed() {
        return missed.sum();
    }
}
