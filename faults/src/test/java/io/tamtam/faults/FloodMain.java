package io.tamtam.faults;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Hostile traffic at one node for a bounded time, run in its own namespace by {@link HostileFloodTest}.
 *
 * <p>Arguments: {@code <ip> <port> <seconds> <datagrams per second> <idle connections> <slow frames>}.
 * At once, until the time is up:
 * <ul>
 *   <li>UDP, at the given rate: random garbage, oversize (60,000 bytes), truncated packet headers,
 *       headers of wrong wire versions, and the right magic and version with a random body;</li>
 *   <li>TCP garbage: connections that write random bytes and close, 20 a second;</li>
 *   <li>idle connections: that many connections that send nothing, plus a quarter as many that send a
 *       valid FRAMES preface and nothing after;</li>
 *   <li>slow frames: that many connections that send a preface and a frame length of {@code 16 MiB}
 *       (the default maximum), then trickle its body at 32 KiB a second, plus a quarter as many with a
 *       length prefix of 2^31-1 followed by one byte a second.</li>
 * </ul>
 * It prints {@code DONE} with what it sent and how many of its connections the node closed.
 */
public final class FloodMain {

    private static final byte[] FRAMES_PREFACE = {'T', 'A', 'M', 'T', 1, 1, 0, 0};

    private final InetSocketAddress target;
    private final long deadlineNanos;
    private final AtomicLong bytesSent = new AtomicLong();

    private FloodMain(InetSocketAddress target, long seconds) {
        this.target = target;
        this.deadlineNanos = System.nanoTime() + seconds * 1_000_000_000L;
    }

    /**
     * @param args ip, port, seconds, datagrams per second, idle connections, slow frames
     * @throws Exception on a failure to start
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        FloodMain flood = new FloodMain(new InetSocketAddress(args[0], Integer.parseInt(args[1])), Long.parseLong(args[2]));
        int rate = Integer.parseInt(args[3]);
        int idle = Integer.parseInt(args[4]);
        int slow = Integer.parseInt(args[5]);

        List<SocketChannel> idleSockets = flood.openIdle(idle, false);
        idleSockets.addAll(flood.openIdle(idle / 4, true));
        List<SlowFrame> slowFrames = new ArrayList<>();
        for (int i = 0; i < slow; i++) {
            slowFrames.add(flood.slowFrame(16 * 1024 * 1024, 32 * 1024));
        }
        for (int i = 0; i < slow / 4; i++) {
            slowFrames.add(flood.slowFrame(Integer.MAX_VALUE, 1));
        }
        out.println("STARTED idle=" + idleSockets.size() + " slow=" + slowFrames.size());

        long[] udp = new long[1];
        Thread datagrams = new Thread(() -> udp[0] = flood.datagrams(rate), "udp");
        long[] garbageConnections = new long[1];
        Thread garbage = new Thread(() -> garbageConnections[0] = flood.tcpGarbage(), "tcp-garbage");
        if (rate > 0) {
            datagrams.start();
        }
        garbage.start();
        flood.trickle(slowFrames);
        if (rate > 0) {
            datagrams.join();
        }
        garbage.join();

        int idleClosed = 0;
        for (SocketChannel s : idleSockets) {
            if (closedByPeer(s)) {
                idleClosed++;
            }
            s.close();
        }
        int slowClosed = 0;
        for (SlowFrame f : slowFrames) {
            if (f.closed || closedByPeer(f.channel)) {
                slowClosed++;
            }
            f.channel.close();
        }
        out.println("DONE datagrams=" + udp[0] + " garbageConnections=" + garbageConnections[0]
                + " idleClosedByNode=" + idleClosed + "/" + idleSockets.size()
                + " slowFramesClosedByNode=" + slowClosed + "/" + slowFrames.size()
                + " tcpBytes=" + flood.bytesSent.get());
    }

    private boolean timeLeft() {
        return System.nanoTime() - deadlineNanos < 0;
    }

    private List<SocketChannel> openIdle(int count, boolean preface) {
        List<SocketChannel> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                SocketChannel s = connect();
                if (preface) {
                    s.write(ByteBuffer.wrap(FRAMES_PREFACE));
                }
                sockets.add(s);
            } catch (IOException e) {
                // refused or timed out: the node may cap connections
            }
        }
        return sockets;
    }

    /** A connection sending one frame slowly. */
    private static final class SlowFrame {
        final SocketChannel channel;
        final int bytesPerSecond;
        long remaining;
        boolean closed;

        SlowFrame(SocketChannel channel, long remaining, int bytesPerSecond) {
            this.channel = channel;
            this.remaining = remaining;
            this.bytesPerSecond = bytesPerSecond;
        }
    }

    /** @return a connected channel in non-blocking mode, so that no write waits for a node that stopped reading */
    private SocketChannel connect() throws IOException {
        SocketChannel s = SocketChannel.open();
        try {
            s.socket().connect(target, 5_000);
            s.configureBlocking(false);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private SlowFrame slowFrame(int length, int bytesPerSecond) throws IOException {
        SocketChannel s = connect();
        s.write(ByteBuffer.allocate(FRAMES_PREFACE.length + 4).put(FRAMES_PREFACE).putInt(length).flip());
        return new SlowFrame(s, length, bytesPerSecond);
    }

    /** Each second, writes each open slow frame's share of bytes, until the time is up. */
    private void trickle(List<SlowFrame> frames) {
        SplittableRandom random = new SplittableRandom(7);
        while (timeLeft()) {
            long tick = System.nanoTime();
            for (SlowFrame f : frames) {
                if (f.closed || f.remaining <= 0) {
                    continue;
                }
                byte[] chunk = new byte[(int) Math.min(f.bytesPerSecond, f.remaining)];
                random.nextBytes(chunk);
                try {
                    int written = f.channel.write(ByteBuffer.wrap(chunk));
                    f.remaining -= written;
                    bytesSent.addAndGet(written);
                } catch (IOException e) {
                    f.closed = true;
                }
            }
            LockSupport.parkNanos(Math.max(0, 1_000_000_000L - (System.nanoTime() - tick)));
        }
    }

    private long datagrams(int perSecond) {
        SplittableRandom random = new SplittableRandom(42);
        long sent = 0;
        try (DatagramSocket socket = new DatagramSocket()) {
            long intervalNanos = 1_000_000_000L / perSecond;
            long next = System.nanoTime();
            while (timeLeft()) {
                byte[] b = datagram(random, (int) (sent % 5));
                try {
                    socket.send(new DatagramPacket(b, b.length, target));
                } catch (IOException e) {
                    // a full socket buffer or an ICMP error: keep flooding
                }
                sent++;
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sent;
    }

    private static byte[] datagram(SplittableRandom random, int kind) {
        switch (kind) {
            case 0: { // garbage
                byte[] b = new byte[1 + random.nextInt(1400)];
                random.nextBytes(b);
                return b;
            }
            case 1: { // oversize
                byte[] b = new byte[60_000];
                random.nextBytes(b);
                b[0] = 0x54;
                b[1] = 0x54;
                b[2] = 1;
                return b;
            }
            case 2: { // truncated header
                byte[] b = new byte[random.nextInt(21)];
                byte[] start = {0x54, 0x54, 1};
                System.arraycopy(start, 0, b, 0, Math.min(b.length, 3));
                return b;
            }
            case 3: { // wrong wire version
                byte[] b = new byte[21 + random.nextInt(200)];
                random.nextBytes(b);
                b[0] = 0x54;
                b[1] = 0x54;
                b[2] = (byte) (2 + random.nextInt(254));
                return b;
            }
            default: { // right magic and version, random flags and body
                byte[] b = new byte[21 + random.nextInt(1300)];
                random.nextBytes(b);
                b[0] = 0x54;
                b[1] = 0x54;
                b[2] = 1;
                return b;
            }
        }
    }

    private long tcpGarbage() {
        SplittableRandom random = new SplittableRandom(3);
        long connections = 0;
        while (timeLeft()) {
            long tick = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(target, 2_000);
                byte[] b = new byte[1 + random.nextInt(4096)];
                random.nextBytes(b);
                if (connections % 2 == 0) {
                    System.arraycopy(FRAMES_PREFACE, 0, b, 0, Math.min(b.length, FRAMES_PREFACE.length));
                }
                s.getOutputStream().write(b);
                bytesSent.addAndGet(b.length);
                connections++;
            } catch (IOException e) {
                // refused, reset or timed out: the node may cap connections
            }
            LockSupport.parkNanos(Math.max(0, 50_000_000L - (System.nanoTime() - tick)));
        }
        return connections;
    }

    /** @return whether the node closed this connection (a non-blocking read sees its end or a reset) */
    private static boolean closedByPeer(SocketChannel s) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(1024);
            for (int i = 0; i < 64; i++) {
                buf.clear();
                int n = s.read(buf);
                if (n < 0) {
                    return true;
                }
                if (n == 0) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
