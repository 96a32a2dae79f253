package io.tamtam.transport.tcp.cluster;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Garbage and truncated packets on both of a node's ports are counted and dropped; the node keeps working. */
class HostileInputClusterTest {

    private static final MessageType<Integer> PING = MessageType.of(400, Integer.class);
    /** TamTam packet magic, wire version 1. */
    private static final byte[] PACKET_START = {0x54, 0x54, 0x01};
    private static final int PACKET_HEADER = 21;

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    private static byte[] garbage(SplittableRandom random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        b[0] = 0x00; // never the magic's first byte
        return b;
    }

    /** @return the first {@code length} bytes of a valid-looking packet header */
    private static byte[] truncatedHeader(int length) {
        byte[] b = new byte[length];
        System.arraycopy(PACKET_START, 0, b, 0, Math.min(length, PACKET_START.length));
        return b;
    }

    private static byte[] withVersion(int version) {
        byte[] b = new byte[PACKET_HEADER + 4];
        b[0] = 0x54;
        b[1] = 0x54;
        b[2] = (byte) version;
        return b;
    }

    /** A TCP connection preface: "TAMT", version 1, kind FRAMES, listen port 0. */
    private static byte[] framesPreface() {
        return new byte[] {'T', 'A', 'M', 'T', 1, 1, 0, 0};
    }

    private static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static void sendTcp(InetSocketAddress to, byte[]... parts) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(to, 5_000);
            OutputStream out = socket.getOutputStream();
            for (byte[] p : parts) {
                out.write(p);
            }
            out.flush();
            socket.shutdownOutput();
            // Wait for the node to close its side, so the bytes were read before we count.
            socket.setSoTimeout(10_000);
            while (socket.getInputStream().read() >= 0) {
                // a node never answers garbage; drain until it closes
            }
        } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
            // the node may keep or reset a connection it considers done; the counters tell what it saw
        }
    }

    private static Map<DropReason, Long> snapshot(Cluster node) {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            m.put(r, node.stats().dropped(r));
        }
        return m;
    }

    private static void awaitDropsRose(Cluster node, Map<DropReason, Long> before, Map<DropReason, Integer> atLeast) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (Map.Entry<DropReason, Integer> e : atLeast.entrySet()) {
                long rose = node.stats().dropped(e.getKey()) - before.get(e.getKey());
                assertTrue(rose >= e.getValue(), e.getKey() + " rose by " + rose + ", expected at least " + e.getValue());
            }
        });
    }

    private static void assertStillWorks(Cluster sender, Cluster target, Queue<Integer> received, int n) throws Exception {
        sender.sendReliable(target.localNode(), PING, n).get(10, TimeUnit.SECONDS);
        assertTrue(received.contains(n), "message " + n + " was handled");
    }

    @Test
    void garbageDatagramsAreCountedAndDropped() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local());
        Cluster target = pair.get(1);
        Queue<Integer> received = new ConcurrentLinkedQueue<>();
        target.handle(PING, p -> received.add(p.payload()));
        Map<DropReason, Long> before = snapshot(target);
        SplittableRandom random = new SplittableRandom(7);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress to = Nodes.address(target);
            for (int i = 0; i < 20; i++) {
                byte[] g = garbage(random, PACKET_HEADER + random.nextInt(1000));
                socket.send(new DatagramPacket(g, g.length, to));
            }
            for (int len = 0; len < PACKET_HEADER; len += 4) {
                byte[] t = truncatedHeader(len);
                socket.send(new DatagramPacket(t, t.length, to));
            }
            byte[] v = withVersion(9);
            socket.send(new DatagramPacket(v, v.length, to));
        }
        awaitDropsRose(target, before, Map.of(DropReason.BAD_MAGIC, 20, DropReason.TRUNCATED, 5,
                DropReason.UNSUPPORTED_VERSION, 1));
        assertStillWorks(pair.get(0), target, received, 1);
    }

    @Test
    void anOversizedDatagramIsCountedAsOversized() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local());
        Cluster target = pair.get(1);
        Queue<Integer> received = new ConcurrentLinkedQueue<>();
        target.handle(PING, p -> received.add(p.payload()));
        Map<DropReason, Long> before = snapshot(target);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] big = new byte[ClusterConfig.DEFAULT_MAX_DATAGRAM_SIZE + 1];
            System.arraycopy(PACKET_START, 0, big, 0, PACKET_START.length);
            socket.send(new DatagramPacket(big, big.length, Nodes.address(target)));
        }
        awaitDropsRose(target, before, Map.of(DropReason.OVERSIZED, 1));
        assertStillWorks(pair.get(0), target, received, 3);
    }

    @Test
    void announcedMaximalFramesAreCutAndCountedWhileTheNodeStaysAlive() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local().receiveGrace(Duration.ofMillis(500)));
        Cluster target = pair.get(1);
        Queue<Integer> received = new ConcurrentLinkedQueue<>();
        target.handle(PING, p -> received.add(p.payload()));
        Map<DropReason, Long> before = snapshot(target);
        List<Socket> attackers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                Socket socket = new Socket();
                attackers.add(socket);
                socket.connect(Nodes.address(target), 5_000);
                OutputStream out = socket.getOutputStream();
                out.write(framesPreface());
                out.write(ByteBuffer.allocate(4).putInt(ClusterConfig.DEFAULT_MAX_FRAME_SIZE).array());
                out.write(new byte[1000]);
                out.flush();
            }
            assertStillWorks(pair.get(0), target, received, 4);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(16,
                    target.stats().dropped(DropReason.SLOW_SENDER) - before.get(DropReason.SLOW_SENDER)
                            + target.stats().dropped(DropReason.OVER_BUDGET) - before.get(DropReason.OVER_BUDGET)));
        } finally {
            for (Socket socket : attackers) {
                socket.close();
            }
        }
        assertStillWorks(pair.get(0), target, received, 5);
        assertEquals(2, pair.get(0).liveMembers().size());
    }

    @Test
    void garbageOnTheStreamPortIsCountedAndDropped() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local());
        Cluster target = pair.get(1);
        Queue<Integer> received = new ConcurrentLinkedQueue<>();
        target.handle(PING, p -> received.add(p.payload()));
        InetSocketAddress to = Nodes.address(target);
        SplittableRandom random = new SplittableRandom(11);

        // Without a preface: the connection is refused at its first bytes.
        Map<DropReason, Long> before = snapshot(target);
        sendTcp(to, garbage(random, 64));
        sendTcp(to, new byte[] {'T', 'A', 'M', 'T', 9, 1, 0, 0});
        awaitDropsRose(target, before, Map.of(DropReason.BAD_MAGIC, 1, DropReason.UNSUPPORTED_VERSION, 1));

        // After a valid preface: bad frames are dropped one by one.
        before = snapshot(target);
        sendTcp(to, framesPreface(), frame(garbage(random, 200)), frame(truncatedHeader(10)),
                frame(garbage(random, 50)), frame(withVersion(9)));
        awaitDropsRose(target, before, Map.of(DropReason.BAD_MAGIC, 2, DropReason.TRUNCATED, 1,
                DropReason.UNSUPPORTED_VERSION, 1));

        // A frame length above maxFrameSize is refused before anything is allocated.
        before = snapshot(target);
        sendTcp(to, framesPreface(), ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
        awaitDropsRose(target, before, Map.of(DropReason.OVERSIZED, 1));

        assertStillWorks(pair.get(0), target, received, 2);
        assertEquals(2, target.liveMembers().size());
    }
}
