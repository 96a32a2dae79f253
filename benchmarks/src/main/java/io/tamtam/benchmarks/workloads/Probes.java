package io.tamtam.benchmarks.workloads;

import java.io.File;

/** Process-level measurements: heap in use and open file descriptors. */
final class Probes {
    private Probes() {
    }

    /** @return bytes of heap in use after a few full collections */
    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** @return open file descriptors of this process, or -1 where /proc is missing */
    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
