package io.tamtam.transport.tcp;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts a transport's accepted connections against a total and a per-remote-IP limit. Shared by the
 * TCP and WebSocket transports. Thread-safe.
 */
public final class InboundLimits {

    private final int max;
    private final int maxPerIp;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perIp = new ConcurrentHashMap<>();

    /**
     * @param max      most accepted connections open at once
     * @param maxPerIp most accepted connections open at once from one remote IP
     */
    public InboundLimits(int max, int maxPerIp) {
        this.max = max;
        this.maxPerIp = maxPerIp;
    }

    /**
     * Counts a just-accepted channel, or refuses it. An admitted channel is uncounted when it closes.
     *
     * @param ch the channel
     * @return whether it is within the limits; the caller closes and reports one that is not
     */
    public boolean admit(Channel ch) {
        InetAddress ip = ((InetSocketAddress) ch.remoteAddress()).getAddress();
        boolean[] admitted = {false};
        if (open.incrementAndGet() <= max) {
            perIp.compute(ip, (key, count) -> {
                int n = count == null ? 0 : count;
                if (n >= maxPerIp) {
                    return count;
                }
                admitted[0] = true;
                return n + 1;
            });
        }
        if (!admitted[0]) {
            open.decrementAndGet();
            return false;
        }
        ch.closeFuture().addListener(future -> {
            open.decrementAndGet();
            perIp.computeIfPresent(ip, (key, n) -> n <= 1 ? null : n - 1);
        });
        return true;
    }

    /** @return accepted connections open now */
    public int open() {
        return open.get();
    }
}
