package io.tamtam.transport.udp;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one event loop group that every TamTam transport of a JVM uses unless the user supplies a group:
 * created on first use, reference counted, and shut down gracefully when its last user releases it.
 * Its threads are daemon threads named {@code tamtam-netty-N}; there is one per available processor.
 * Epoll when the native transport loads, NIO otherwise.
 */
final class SharedEventLoopGroup {

    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    private static final Object LOCK = new Object();
    private static EventLoopGroup group;
    private static int references;

    private SharedEventLoopGroup() {
    }

    /** @return the shared group, created when no transport holds it; pair every call with {@link #release} */
    static EventLoopGroup acquire() {
        synchronized (LOCK) {
            if (group == null) {
                int threads = Runtime.getRuntime().availableProcessors();
                ThreadFactory factory = task -> {
                    Thread thread = new FastThreadLocalThread(task, "tamtam-netty-" + THREAD_NUMBER.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                };
                group = Epoll.isAvailable()
                        ? new EpollEventLoopGroup(threads, factory)
                        : new NioEventLoopGroup(threads, factory);
            }
            references++;
            return group;
        }
    }

    /**
     * Gives back one reference; the last one shuts the group down without waiting for it.
     *
     * @param acquired the group {@link #acquire} returned
     */
    static void release(EventLoopGroup acquired) {
        synchronized (LOCK) {
            if (acquired != group || references == 0) {
                return;
            }
            if (--references == 0) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
                group = null;
            }
        }
    }

    /** @return how many references are held now */
    static int references() {
        synchronized (LOCK) {
            return references;
        }
    }
}
