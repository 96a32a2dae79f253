package io.tamtam.codec;

import java.lang.management.ManagementFactory;

/** Bytes the current thread has allocated on the heap, from HotSpot's ThreadMXBean. */
final class ThreadAllocation {
    private static final com.sun.management.ThreadMXBean BEAN =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ThreadAllocation() {
    }

    /** @return bytes allocated by the current thread so far */
    static long bytes() {
        if (!BEAN.isThreadAllocatedMemorySupported() || !BEAN.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("this JVM does not report per-thread allocation; run the tests on HotSpot");
        }
        return BEAN.getCurrentThreadAllocatedBytes();
    }
}
