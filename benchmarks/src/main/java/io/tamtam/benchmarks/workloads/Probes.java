package io.tamtam.benchmarks.workloads;

import java.io.File;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Process-level measurements: heap in use and open file descriptors. */
final class Probes {
    private Probes() {
    }

    /** @return the collector this JVM runs, "zgc", "g1" or its first collector bean's name */
    static String gcName() {
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            String n = b.getName();
            if (n.startsWith("ZGC")) {
                return "zgc";
            }
            if (n.startsWith("G1")) {
                return "g1";
            }
        }
        return ManagementFactory.getGarbageCollectorMXBeans().get(0).getName();
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

    /** @return the kernel's count of UDP datagrams dropped for a full receive buffer (all processes), or -1 */
    static long udpReceiveBufferErrors() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    List<String> names = List.of(lines.get(i).split("\\s+"));
                    String[] values = lines.get(i + 1).split("\\s+");
                    int at = names.indexOf("RcvbufErrors");
                    return at < 0 ? -1 : Long.parseLong(values[at]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * What the kernel holds for the UDP sockets bound to the given ports: bytes waiting to be read in
     * their receive queues, and datagrams they dropped (each socket's own count, /proc/net/udp and udp6).
     *
     * @param ports the sockets' local ports
     * @return {bytes waiting, datagrams dropped, sockets found}, or {-1, -1, 0} where /proc is not there
     */
    static long[] udpSocketQueues(java.util.Set<Integer> ports) {
        long[] r = {0, 0, 0};
        boolean any = false;
        for (String file : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            try {
                List<String> lines = Files.readAllLines(Path.of(file));
                any = true;
                for (int i = 1; i < lines.size(); i++) {
                    String[] f = lines.get(i).trim().split("\\s+");
                    if (f.length < 13) {
                        continue;
                    }
                    int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                    if (ports.contains(port)) {
                        r[0] += Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                        r[1] += Long.parseLong(f[12]);
                        r[2]++;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or another layout: reported as unknown below when no file was read
            }
        }
        return any ? r : new long[] {-1, -1, 0};
    }
}
