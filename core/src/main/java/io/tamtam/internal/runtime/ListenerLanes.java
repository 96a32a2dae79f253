package io.tamtam.internal.runtime;

import io.tamtam.Subscription;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
    public static final int MAX_QUEUED = 65_536;

    private record Entry<E>(Consumer<E> listener, SerialExecutor lane, AtomicInteger queued, AtomicBoolean behind) {
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
        Entry<E> e = new Entry<>(java.util.Objects.requireNonNull(listener, "listener"), new SerialExecutor(callbacks),
                new AtomicInteger(), new AtomicBoolean());
        entries.add(e);
        return () -> entries.remove(e);
    }

    /** @param event handed to every listener */
    public void fire(E event) {
        for (Entry<E> e : entries) {
            if (e.queued().incrementAndGet() > MAX_QUEUED) {
                e.queued().decrementAndGet();
                missed.increment();
                if (e.behind().compareAndSet(false, true)) {
                    errors.accept(what, new IllegalStateException("a " + what + " is " + MAX_QUEUED
                            + " events behind (it blocks?): later events are dropped until it catches up"));
                }
                continue;
            }
            e.lane().execute(() -> {
                e.queued().decrementAndGet();
                e.behind().set(false);
                try {
                    e.listener().accept(event);
                } catch (RuntimeException | Error t) {
                    errors.accept(what, t);
                }
            });
        }
    }

    /** @return events a listener missed because it was {@link #MAX_QUEUED} behind */
    public long missed() {
        return missed.sum();
    }
}
