package io.tamtam.internal.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for the threads a node owns: daemon threads named after what they do. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * @param name the thread's name
     * @return a factory of daemon threads all named {@code name} (for single-thread executors)
     */
    public static ThreadFactory named(String name) {
        return r -> daemon(r, name);
    }

    /**
     * @param prefix the threads' name prefix
     * @return a factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ...
     */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(r, prefix + "-" + n.incrementAndGet());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
