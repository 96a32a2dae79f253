package io.tamtam.internal.runtime;

import io.tamtam.Subscription;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Listeners of one kind of event, each called on a lane of its own on the callback executor, in the
 * order events were fired; a listener that throws is reported and keeps its registration. Thread-safe.
 *
 * @param <E> the event
 */
public final class ListenerLanes<E> {
    private record Entry<E>(Consumer<E> listener, SerialExecutor lane) {
    }

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
        Entry<E> e = new Entry<>(java.util.Objects.requireNonNull(listener, "listener"), new SerialExecutor(callbacks));
        entries.add(e);
        return () -> entries.remove(e);
    }

    /** @param event handed to every listener */
    public void fire(E event) {
        for (Entry<E> e : entries) {
            e.lane().execute(() -> {
                try {
                    e.listener().accept(event);
                } catch (RuntimeException | Error t) {
                    errors.accept(what, t);
                }
            });
        }
    }
}
