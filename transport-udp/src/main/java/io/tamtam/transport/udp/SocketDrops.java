package io.tamtam.transport.udp;

import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the datagrams the kernel dropped at the UDP sockets of this JVM's transports because their
 * receive buffers were full: once a second, one pass over {@code /proc/net/udp} and {@code /proc/net/udp6}
 * (Linux) for all transports, handing each socket's new drops to its transport. Where those files cannot
 * be read nothing is polled. The poll runs on the event loop of a registered socket and stops when none
 * is left.
 */
final class SocketDrops {

    private static final Logger LOG = LoggerFactory.getLogger(SocketDrops.class);
    private static final Path[] FILES = {Path.of("/proc/net/udp"), Path.of("/proc/net/udp6")};
    private static final long PERIOD_MILLIS = 1_000;
    private static final Map<String, Watch> WATCHED = new ConcurrentHashMap<>();
    private static final Object LOCK = new Object();
    private static EventLoop pollLoop;

    private SocketDrops() {
    }

    /** One socket's last drop count and where its new drops go. */
    private static final class Watch {
        final EventLoop loop;
        final LongConsumer dropped;
        long last;

        Watch(EventLoop loop, LongConsumer dropped) {
            this.loop = loop;
            this.dropped = dropped;
        }
    }

    /**
     * Starts counting a socket's drops.
     *
     * @param local   the socket's bound address
     * @param loop    its event loop
     * @param dropped takes each poll's new drops (more than 0); a new socket starts at 0
     * @return the keys to pass to {@link #unwatch}, empty when /proc is not readable
     */
    static List<String> watch(InetSocketAddress local, EventLoop loop, LongConsumer dropped) {
        if (!Files.isReadable(FILES[0])) {
            return List.of();
        }
        List<String> keys = keys(local);
        Watch w = new Watch(loop, dropped);
        for (String key : keys) {
            WATCHED.put(key, w);
        }
        synchronized (LOCK) {
            if (pollLoop == null || pollLoop.isShuttingDown()) {
                pollLoop = loop;
                loop.schedule(SocketDrops::poll, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
        return keys;
    }

    /** @param keys what {@link #watch} returned */
    static void unwatch(List<String> keys) {
        keys.forEach(WATCHED::remove);
    }

    /**
     * @return the local address as /proc/net/udp and udp6 write it: an IPv4 address both as itself and
     *         as IPv4-mapped IPv6 (a dual-stack socket shows in udp6)
     */
    static List<String> keys(InetSocketAddress local) {
        byte[] a = local.getAddress().getAddress();
        String port = String.format(Locale.ROOT, ":%04X", local.getPort());
        if (local.getAddress() instanceof Inet4Address) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(a, 0, mapped, 12, 4);
            return local.getAddress().isAnyLocalAddress()
                    ? List.of(hex(a) + port, hex(new byte[16]) + port)
                    : List.of(hex(a) + port, hex(mapped) + port);
        }
        return List.of(hex(a) + port);
    }

    /** Each 32-bit word in the host's (little-endian) byte order, as the kernel prints it. */
    private static String hex(byte[] address) {
        StringBuilder sb = new StringBuilder(address.length * 2);
        for (int word = 0; word < address.length; word += 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(String.format(Locale.ROOT, "%02X", address[word + i] & 0xFF));
            }
        }
        return sb.toString();
    }

    private static void poll() {
        for (Path file : FILES) {
            try {
                List<String> lines = Files.readAllLines(file);
                for (int i = 1; i < lines.size(); i++) {
                    String line = lines.get(i).trim();
                    int start = line.indexOf(' ') + 1;
                    int end = line.indexOf(' ', start);
                    if (start <= 0 || end < 0) {
                        continue;
                    }
                    Watch w = WATCHED.get(line.substring(start, end));
                    if (w != null) {
                        count(w, Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Cannot read the UDP sockets' drop counts from {}", file, e);
            }
        }
        synchronized (LOCK) {
            Watch next = WATCHED.values().stream().filter(w -> !w.loop.isShuttingDown()).findAny().orElse(null);
            if (next == null) {
                pollLoop = null;
                return;
            }
            pollLoop = next.loop;
            next.loop.schedule(SocketDrops::poll, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private static void count(Watch w, long drops) {
        long before = w.last;
        w.last = drops;
        if (drops > before) {
            w.dropped.accept(drops - before);
        }
    }
}
