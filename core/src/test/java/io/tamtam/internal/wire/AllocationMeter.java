package io.tamtam.internal.wire;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Bytes the current thread has allocated, from HotSpot's {@code com.sun.management.ThreadMXBean}. Found
 * reflectively because the core module, which the tests are compiled into, does not read
 * {@code jdk.management}.
 */
public final class AllocationMeter {
    private final Object bean;
    private final Method allocated;

    public AllocationMeter() {
        Object b = null;
        Method m = null;
        try {
            b = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Class<?> hotspot = Class.forName("com.sun.management.ThreadMXBean");
            if (hotspot.isInstance(b)
                    && (Boolean) hotspot.getMethod("isThreadAllocatedMemorySupported").invoke(b)
                    && (Boolean) hotspot.getMethod("isThreadAllocatedMemoryEnabled").invoke(b)) {
                m = hotspot.getMethod("getCurrentThreadAllocatedBytes");
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            m = null;
        }
        this.bean = b;
        this.allocated = m;
    }

    /** @return whether this JVM reports per-thread allocation */
    public boolean supported() {
        return allocated != null;
    }

    /** @return bytes allocated by the current thread so far; 0 when not {@link #supported()} */
    public long allocatedBytes() {
        if (allocated == null) {
            return 0;
        }
        try {
            return (Long) allocated.invoke(bean);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read the thread's allocated bytes", e);
        }
    }

    /**
     * Runs an action and reports what it allocated once warm: the first run of a code path links call
     * sites and loads classes, so when the first run exceeds {@code bound} the action runs again and the
     * second figure counts.
     *
     * @param bound  bytes the action may allocate
     * @param action a repeatable action
     * @return bytes allocated by the last run; 0 when not {@link #supported()}
     */
    public long steadyAllocation(long bound, Runnable action) {
        long allocated = 0;
        for (int run = 0; run < 2; run++) {
            long before = allocatedBytes();
            action.run();
            allocated = allocatedBytes() - before;
            if (allocated <= bound) {
                break;
            }
        }
        return allocated;
    }
}
