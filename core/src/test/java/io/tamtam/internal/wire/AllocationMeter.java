package io.tamtam.internal.wire;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Bytes the current thread has allocated, from HotSpot's {@code com.sun.management.ThreadMXBean}. Found
 * reflectively because the core module, which the tests are compiled into, does not read
 * {@code jdk.management}.
 */
final class AllocationMeter {
    private final Object bean;
    private final Method allocated;

    AllocationMeter() {
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
    boolean supported() {
        return allocated != null;
    }

    /** @return bytes allocated by the current thread so far; 0 when not {@link #supported()} */
    long allocatedBytes() {
        if (allocated == null) {
            return 0;
        }
        try {
            return (Long) allocated.invoke(bean);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read the thread's allocated bytes", e);
        }
    }
}
