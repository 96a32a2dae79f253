package io.tamtam.internal.runtime;

import io.tamtam.spi.NanoClock;
import io.tamtam.spi.Scheduler;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Completes the futures a node hands out, never on a protocol or network thread, in order, through one
 * lane: one hand-off per burst of completions, not one per future.
 *
 * <p>A future's plain continuations ({@code thenAccept}, {@code join} inside them...) run on the thread
 * that completes it, so user code can hold the lane: a continuation that blocks on a second TamTam
 * future would wait for a completion queued behind itself. No user code may freeze a node, so a watch on
 * the protocol scheduler checks the lane: when queued completions have made no progress for
 * {@link #STALL_NANOS} (a continuation blocks, or the executor the lane runs on is busy with user code),
 * the lane moves to a fresh thread and goes on; the thread left behind finishes the task it is in and
 * then stops. Those threads come from {@link SharedThreads} (made on demand, shared by the JVM's nodes,
 * ended when idle); one lane holds at most {@link #MAX_THREADS} of them at once; past that the stall is
 * reported and the lane waits. Every move is counted and reported to the error handler (rate limited).
 */
public final class Completions implements AutoCloseable {
    /** Queued completions making no progress for this long move the lane to another thread: 200 ms. */
    public static final long STALL_NANOS = 200_000_000L;
    /** Most threads the lane may use at once (threads stuck in user code included). */
    public static final int MAX_THREADS = 64;
    /** A stall is reported at most once per this time: 10 s. */
    static final long REPORT_EVERY_NANOS = 10_000_000_000L;

    private final Executor primary;
    /** Shared threads this lane holds now. */
    private final AtomicInteger ownThreads = new AtomicInteger();
    private final NanoClock clock;
    private final Scheduler scheduler;
    private final BiConsumer<String, Throwable> errors;
    private final LongAdder moves = new LongAdder();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    /** Completions queued and not yet started (an entry of {@link #completeAll} holds several). */
    private int queued;
    /** A drainer is submitted or running. */
    private boolean draining;
    /** Bumped when the lane moves: a drainer of an older generation stops after its current task. */
    private long generation;
    /** When the lane last started a task or a drainer. */
    private long progressAt;
    private boolean watching;
    private long lastReportAt = Long.MIN_VALUE;
    private volatile boolean closed;

    /**
     * @param callbacks where completions run first: the user's callback executor, or null for shared
     *                  threads ({@link SharedThreads}, created on demand, gone when idle)
     * @param clock      measures stalls
     * @param scheduler  runs the watch (the protocol scheduler: it never runs user code)
     * @param errors     told when the lane moves
     */
    public Completions(Executor callbacks, NanoClock clock, Scheduler scheduler,
                       BiConsumer<String, Throwable> errors) {
        this.primary = callbacks != null ? callbacks : this::runOwn;
        this.clock = clock;
        this.scheduler = scheduler;
        this.errors = errors;
    }

    /**
     * @param f     the future
     * @param value its value
     * @param <T>   the value type
     */
    public <T> void complete(CompletableFuture<T> f, T value) {
        execute(() -> f.complete(value));
    }

    /**
     * Completes futures with null, in order, with one hand-off for all of them. They wait in the lane as
     * one entry, but are completed one at a time like separate completions: a continuation of one that
     * blocks does not hold back the others once the lane moves to another thread.
     *
     * @param fs    the futures; the array is not to be changed after
     * @param count how many of them, from the first
     */
    public void completeAll(CompletableFuture<?>[] fs, int count) {
        if (count == 1) {
            CompletableFuture<?> f = fs[0];
            execute(() -> f.complete(null));
        } else if (count > 1) {
            execute(new NullCompletions(fs, count), count);
        }
    }

    /** Futures to complete with null, taken one at a time from the head of the lane. */
    private static final class NullCompletions implements Runnable {
        private final CompletableFuture<?>[] fs;
        private final int count;
        /** The next one to complete; guarded by the lane's tasks. */
        private int next;

        NullCompletions(CompletableFuture<?>[] fs, int count) {
            this.fs = fs;
            this.count = count;
        }

        /** Not run as a whole: {@link #drain} takes its futures one by one. */
        @Override
        public void run() {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * @param f     the future
     * @param error why it failed
     * @param <T>   the value type
     */
    public <T> void fail(CompletableFuture<T> f, Throwable error) {
        execute(() -> f.completeExceptionally(error));
    }

    /** @return completions queued and not yet started */
    public int backlog() {
        synchronized (tasks) {
            return queued;
        }
    }

    /** @return how many times the lane moved to another thread because user code held it */
    public long moves() {
        return moves.sum();
    }

    private void execute(Runnable task) {
        execute(task, 1);
    }

    /** @param count how many completions the task makes */
    private void execute(Runnable task, int count) {
        long gen;
        synchronized (tasks) {
            tasks.add(task);
            queued += count;
            if (draining) {
                return;
            }
            draining = true;
            progressAt = clock.nanoTime();
            gen = generation;
        }
        try {
            primary.execute(() -> drain(gen));
        } catch (RejectedExecutionException e) {
            // The executor is shut down (the node is closing): complete here rather than lose a future.
            drain(gen);
            return;
        }
        watch();
    }

    private void drain(long gen) {
        while (true) {
            Runnable next;
            CompletableFuture<?> f = null;
            synchronized (tasks) {
                if (gen != generation) {
                    return;
                }
                next = tasks.peek();
                if (next == null) {
                    draining = false;
                    return;
                }
                if (next instanceof NullCompletions b) {
                    f = b.fs[b.next++];
                    if (b.next == b.count) {
                        tasks.poll();
                    }
                } else {
                    tasks.poll();
                }
                queued--;
                progressAt = clock.nanoTime();
            }
            if (f != null) {
                f.complete(null);
            } else {
                next.run();
            }
        }
    }

    /** Arms the watch while the lane has work. */
    private void watch() {
        synchronized (tasks) {
            if (!draining || watching || closed) {
                return;
            }
            watching = true;
        }
        try {
            scheduler.schedule(this::check, STALL_NANOS / 2);
        } catch (RuntimeException stopped) {
            synchronized (tasks) {
                watching = false;
            }
        }
    }

    private void check() {
        long gen;
        long now = clock.nanoTime();
        synchronized (tasks) {
            watching = false;
            if (!draining || closed) {
                return;
            }
            if (now - progressAt < STALL_NANOS) {
                gen = -1;
            } else {
                gen = ++generation;
                progressAt = now;
            }
        }
        if (gen >= 0) {
            move(gen, now);
        }
        watch();
    }

    private void move(long gen, long now) {
        moves.increment();
        String why;
        try {
            runOwn(() -> drain(gen));
            why = "future completions made no progress for " + STALL_NANOS / 1_000_000 + " ms and moved to another"
                    + " thread: a continuation or the callback executor is blocked by user code; run blocking work"
                    + " with the *Async forms (thenApplyAsync(fn, executor)) or on an executor of your own";
        } catch (RejectedExecutionException e) {
            synchronized (tasks) {
                // All threads are taken: let the old drainer (if it ever returns) go on.
                generation = gen - 1;
            }
            why = "future completions are blocked: " + MAX_THREADS + " threads are held by continuations that"
                    + " do not return; futures of this node complete only once one returns";
        }
        boolean report;
        synchronized (tasks) {
            report = lastReportAt == Long.MIN_VALUE || now - lastReportAt >= REPORT_EVERY_NANOS;
            if (report) {
                lastReportAt = now;
            }
        }
        if (report) {
            errors.accept("future completion", new IllegalStateException(why));
        }
    }

    /**
     * Runs a drainer on a shared thread the lane then holds, at most {@link #MAX_THREADS} at once.
     *
     * @throws RejectedExecutionException when the lane holds that many or is closed
     */
    private void runOwn(Runnable drainer) {
        if (closed) {
            throw new RejectedExecutionException("closed");
        }
        if (ownThreads.incrementAndGet() > MAX_THREADS) {
            ownThreads.decrementAndGet();
            throw new RejectedExecutionException("all " + MAX_THREADS + " threads taken");
        }
        try {
            SharedThreads.pool().execute(() -> {
                try {
                    drainer.run();
                } finally {
                    ownThreads.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            ownThreads.decrementAndGet();
            throw e;
        }
    }

    /** Stops the watch; later completions without a callback executor run where they are made. */
    @Override
    public void close() {
        closed = true;
    }

    /**
     * @param t a failure, possibly wrapped
     * @return the message of the underlying cause
     */
    public static String describe(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
