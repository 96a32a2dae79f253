package io.tamtam.internal.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Threads shared by every node of the JVM for work that comes and goes: a thread is made when no idle
 * one is free and ends after 30 s idle, so a node does not own threads that wait for rare work. Each
 * node bounds how much it runs here (callbacks, future completions and streams per node; see their users).
 */
public final class SharedThreads {
    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), DaemonThreads.numbered("tamtam-callback"));
    private static final ScheduledThreadPoolExecutor TIMER = newTimer();

    private SharedThreads() {
    }

    private static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("tamtam-timer"));
        t.setRemoveOnCancelPolicy(true);
        t.setKeepAliveTime(30, TimeUnit.SECONDS);
        t.allowCoreThreadTimeOut(true);
        return t;
    }

    /** @return the on-demand pool; never full (callers bound their own use) */
    public static ExecutorService pool() {
        return POOL;
    }

    /** @return one timer thread for short, non-blocking timer tasks (made on demand, ends when idle) */
    public static ScheduledExecutorService timer() {
        return TIMER;
    }
}
