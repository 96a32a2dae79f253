package io.tamtam.internal.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A small pool, shared by every node of the JVM, for heavy work that must not run on the transports'
 * event loops (which all nodes of the JVM share too): decrypting, decompressing and decoding large
 * frames. As many threads as cores, created on demand, gone when idle. Callers bound what they queue.
 */
public final class Workers {
    private static final ThreadPoolExecutor POOL;

    static {
        int n = Math.max(1, Runtime.getRuntime().availableProcessors());
        POOL = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.numbered("tamtam-worker"));
        POOL.allowCoreThreadTimeOut(true);
    }

    private Workers() {
    }

    /** @return the shared pool */
    public static Executor shared() {
        return POOL;
    }
}
