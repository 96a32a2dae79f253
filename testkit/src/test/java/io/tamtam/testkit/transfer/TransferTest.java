package io.tamtam.testkit.transfer;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.NodeState;
import io.tamtam.transfer.Transfer;
import io.tamtam.transfer.TransferConfig;
import io.tamtam.transfer.TransferHandler;
import io.tamtam.transfer.TransferOffer;
import io.tamtam.transfer.TransferOptions;
import io.tamtam.transfer.TransferProgress;
import io.tamtam.transfer.TransferResult;
import io.tamtam.transfer.TransferTarget;
import io.tamtam.transfer.TransferType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transfers between nodes on loopback sockets: content, resume, no-op resend, cancel, deadline, refusal. */
class TransferTest {
    static final TransferType FILES = TransferType.of(500);
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    final List<Cluster> nodes = new ArrayList<>();
    /** Every end state the receivers' handlers heard, by transfer id. */
    final Map<String, List<TransferResult>> ended = new ConcurrentHashMap<>();

    @BeforeEach
    void clear() {
        ended.clear();
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(Cluster::close);
    }

    Cluster node(String dir, TransferConfig transfers, UUID id, int port) throws IOException {
        ClusterConfig.Builder b = ClusterConfig.local()
                .transfers(transfers.withDirectory(tmp.resolve(dir)))
                .bindAddress(new InetSocketAddress("127.0.0.1", port));
        if (id != null) {
            b.nodeId(id);
        }
        Cluster c = Cluster.create(b.build());
        nodes.add(c);
        return c;
    }

    static TransferConfig small() {
        return TransferConfig.defaults().withPartSize(64 * 1024).withWindow(8).withPartTimeout(Duration.ofSeconds(2))
                .withUnreachableTimeout(Duration.ofSeconds(30));
    }

    void join(Cluster a, Cluster b) throws Exception {
        a.join(b.localNode().address()).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> b.member(a.localNode().id()).map(n -> n.state() == NodeState.ALIVE).orElse(false)
                && a.member(b.localNode().id()).map(n -> n.state() == NodeState.ALIVE).orElse(false));
    }

    TransferHandler toDir(Path dir) {
        return new TransferHandler() {
            @Override
            public TransferTarget accept(TransferOffer offer) {
                return TransferTarget.file(dir.resolve(offer.name()));
            }

            @Override
            public void ended(TransferOffer offer, TransferResult result) {
                ended.computeIfAbsent(offer.id(), k -> new CopyOnWriteArrayList<>()).add(result);
            }
        };
    }

    Path randomFile(String name, long size, long seed) throws IOException {
        Path f = tmp.resolve(name);
        writeRandom(f, size, seed);
        return f;
    }

    static void writeRandom(Path f, long size, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(f)) {
            for (long done = 0; done < size; done += chunk.length) {
                for (int i = 0; i < chunk.length; i += 8) {
                    long v = r.nextLong();
                    for (int k = 0; k < 8; k++) {
                        chunk[i + k] = (byte) (v >>> (8 * k));
                    }
                }
                out.write(chunk, 0, (int) Math.min(chunk.length, size - done));
            }
        }
    }

    static byte[] sha(Path f) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(f)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) {
                d.update(b, 0, n);
            }
        }
        return d.digest();
    }

    static TransferResult result(Transfer t) throws Exception {
        return t.result().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void fileArrivesIdenticalWithProgressAndStatsOnBothSides() throws Exception {
        Cluster sender = node("s", small(), null, 0);
        Cluster receiver = node("r", small(), null, 0);
        join(sender, receiver);
        Path out = tmp.resolve("out");
        receiver.transfers().handle(FILES, toDir(out));
        Path file = randomFile("data.bin", 5 * 1024 * 1024 + 123, 1);
        List<TransferProgress> progress = new CopyOnWriteArrayList<>();

        Transfer t = sender.transfers().send(receiver.localNode().id(), FILES, file,
                TransferOptions.defaults().withId("t1").withName("copy.bin").withListener(progress::add));
        TransferResult r = result(t);

        assertEquals(TransferResult.Status.COMPLETED, r.status(), r.reason());
        assertArrayEquals(sha(file), sha(out.resolve("copy.bin")));
        await().atMost(WAIT).until(() -> ended.containsKey("t1"));
        assertEquals(TransferResult.Status.COMPLETED, ended.get("t1").get(0).status());
        assertEquals(1, ended.get("t1").size());
        assertEquals(0, r.resumedBytes());
        await().atMost(WAIT).until(() -> !progress.isEmpty() && progress.get(progress.size() - 1).bytesDone() == Files.size(file));
        assertEquals(Files.size(file), sender.stats().transferBytesSent());
        assertEquals(Files.size(file), receiver.stats().transferBytesReceived());
        assertEquals(1, sender.stats().transfersCompleted());
        await().atMost(WAIT).until(() -> receiver.stats().transfersCompleted() == 1);
        // nothing partial left behind in the receiver's directory, only the completed id
        try (var s = Files.list(tmp.resolve("r"))) {
            assertEquals(List.of("completed"), s.map(p -> p.getFileName().toString()).toList());
        }

        // the same id again is a no-op: nothing is sent
        long partsBefore = sender.stats().transferPartsSent();
        TransferResult again = result(sender.transfers().send(receiver.localNode().id(), FILES, file,
                TransferOptions.defaults().withId("t1").withName("copy.bin")));
        assertEquals(TransferResult.Status.COMPLETED, again.status());
        assertTrue(again.alreadyComplete());
        assertEquals(partsBefore, sender.stats().transferPartsSent());
    }

    @Test
    void streamToSinkAndSeveralAtOnce() throws Exception {
        Cluster sender = node("s", small(), null, 0);
        Cluster receiver = node("r", small(), null, 0);
        join(sender, receiver);
        Map<String, byte[]> got = new ConcurrentHashMap<>();
        receiver.transfers().handle(FILES, offer -> TransferTarget.sink(in -> got.put(offer.id(), in.readAllBytes())));
        List<byte[]> contents = new ArrayList<>();
        List<Transfer> transfers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] c = new byte[300_000 + i * 77_777];
            new SplittableRandom(i).nextBytes(c);
            contents.add(c);
            transfers.add(sender.transfers().send(receiver.localNode().id(), FILES, new ByteArrayInputStream(c), c.length,
                    TransferOptions.defaults().withId("s" + i)));
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(TransferResult.Status.COMPLETED, result(transfers.get(i)).status());
            assertArrayEquals(contents.get(i), got.get("s" + i));
        }
        // the sink's temporary file is gone
        try (var s = Files.list(tmp.resolve("r"))) {
            assertEquals(List.of("completed"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void receiverRestartedMidwayResumesFromItsParts() throws Exception {
        Cluster sender = node("s", small(), null, 0);
        UUID receiverId = UUID.randomUUID();
        Cluster receiver = node("r", small(), receiverId, 0);
        int port = receiver.localNode().address().getPort();
        join(sender, receiver);
        Path out = tmp.resolve("out");
        receiver.transfers().handle(FILES, toDir(out));
        Path file = randomFile("big.bin", 24L << 20, 2);

        // The content stops after 8 MiB until the receiver is closed, so it is closed mid-way.
        Gate gate = new Gate(Files.newInputStream(file), 8L << 20);
        Transfer t = sender.transfers().send(receiverId, FILES, gate, Files.size(file),
                TransferOptions.defaults().withId("resume-me").withName("big.bin"));
        Cluster first = receiver;
        await().atMost(WAIT).until(() -> first.stats().transferBytesReceived() > 4L << 20);
        receiver.close();
        nodes.remove(receiver);
        gate.open();
        await().atMost(WAIT).until(() -> ended.containsKey("resume-me"));
        assertEquals(TransferResult.Status.FAILED, ended.get("resume-me").get(0).status(), "the closed receiver reported its end");
        // the same node id, address and directory: as a restarted process
        Cluster restarted = node("r", small(), receiverId, port);
        restarted.transfers().handle(FILES, toDir(out));
        restarted.join(sender.localNode().address()).get(10, TimeUnit.SECONDS);

        TransferResult r = result(t);
        assertEquals(TransferResult.Status.COMPLETED, r.status(), r.reason());
        assertTrue(r.resumedBytes() > 0, "resumed " + r.resumedBytes());
        assertArrayEquals(sha(file), sha(out.resolve("big.bin")));
        assertTrue(restarted.stats().transferBytesReceived() < Files.size(file),
                "the restarted receiver got only what it lacked: " + restarted.stats().transferBytesReceived());
        assertTrue(sender.stats().transferBytesResumed() > 0);
    }

    @Test
    void senderRestartedResumesWithTheSameId() throws Exception {
        Cluster sender = node("s", small(), null, 0);
        Cluster receiver = node("r", small(), null, 0);
        join(sender, receiver);
        Path out = tmp.resolve("out");
        receiver.transfers().handle(FILES, toDir(out));
        Path file = randomFile("big.bin", 16L << 20, 3);
        // The content stops after 4 MiB until the sender is closing, so it is closed mid-way.
        Gate gate = new Gate(Files.newInputStream(file), 4L << 20);
        sender.transfers().send(receiver.localNode().id(), FILES, gate, Files.size(file),
                TransferOptions.defaults().withId("again").withName("f"));
        await().atMost(WAIT).until(() -> receiver.stats().transferBytesReceived() > 3L << 20);
        Thread closing = new Thread(sender::close, "closing-sender");
        closing.start();
        // close() waits for the transfer's lane, which the gate holds: open it once close() waits
        await().atMost(WAIT).until(() -> closing.getState() == Thread.State.TIMED_WAITING
                || closing.getState() == Thread.State.WAITING || !closing.isAlive());
        gate.open();
        closing.join(WAIT.toMillis());

        Cluster sender2 = node("s2", small(), null, 0);
        join(sender2, receiver);
        TransferResult r = result(sender2.transfers().send(receiver.localNode().id(), FILES, file,
                TransferOptions.defaults().withId("again").withName("f")));
        assertEquals(TransferResult.Status.COMPLETED, r.status(), r.reason());
        assertTrue(r.resumedBytes() > 0);
        assertTrue(sender2.stats().transferBytesSent() < Files.size(file));
        assertArrayEquals(sha(file), sha(out.resolve("f")));
    }

    @Test
    void cancelFromEitherSideAndDeadlineEndBothSidesAndDeleteThePartial() throws Exception {
        Cluster sender = node("s", small().withWindow(1), null, 0);
        Cluster receiver = node("r", small(), null, 0);
        join(sender, receiver);
        Path out = tmp.resolve("out");
        receiver.transfers().handle(FILES, toDir(out));
        Path file = randomFile("big.bin", 64L << 20, 4);

        Transfer bySender = sender.transfers().send(receiver.localNode().id(), FILES, file,
                TransferOptions.defaults().withId("c1").withName("c1"));
        await().atMost(WAIT).until(() -> receiver.stats().transferBytesReceived() > 0);
        bySender.cancel("changed my mind");
        assertEquals(TransferResult.Status.CANCELLED, result(bySender).status());
        await().atMost(WAIT).until(() -> ended.containsKey("c1"));
        assertEquals(TransferResult.Status.CANCELLED, ended.get("c1").get(0).status());
        assertTrue(ended.get("c1").get(0).reason().contains("changed my mind"), ended.get("c1").get(0).reason());

        Transfer byReceiver = sender.transfers().send(receiver.localNode().id(), FILES, file,
                TransferOptions.defaults().withId("c2").withName("c2"));
        await().atMost(WAIT).until(() -> receiver.transfers().active().stream().anyMatch(x -> x.id().equals("c2")
                && x.progress().bytesDone() > 0));
        receiver.transfers().active().stream().filter(x -> x.id().equals("c2")).findFirst().orElseThrow().cancel("no room");
        TransferResult r2 = result(byReceiver);
        assertEquals(TransferResult.Status.CANCELLED, r2.status());
        assertTrue(r2.reason().contains("no room"), r2.reason());

        // 4 GiB of generated content: more than a part at a time can carry within the deadline on any machine.
        long huge = 4L << 30;
        Transfer late = sender.transfers().send(receiver.localNode().id(), FILES, new RandomBytes(huge, 5), huge,
                TransferOptions.defaults().withId("c3").withName("c3").withDeadline(Duration.ofMillis(300)));
        TransferResult r3 = result(late);
        assertEquals(TransferResult.Status.CANCELLED, r3.status());
        assertTrue(r3.reason().contains("deadline"), r3.reason());
        await().atMost(WAIT).until(() -> ended.containsKey("c3"));

        await().atMost(WAIT).until(() -> receiver.transfers().active().isEmpty());
        try (var s = Files.list(tmp.resolve("r"))) {
            assertEquals(List.of("completed"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertFalse(Files.exists(out.resolve("c1")));
        assertEquals(3, sender.stats().transfersCancelled());
    }

    @Test
    void aSourceThatBlocksCannotKeepTheDeadlineOrACancelFromEndingItsTransfer() throws Exception {
        Cluster sender = node("s", small(), null, 0);
        Cluster receiver = node("r", small(), null, 0);
        join(sender, receiver);
        receiver.transfers().handle(FILES, toDir(tmp.resolve("out")));
        long size = 4L << 20;
        Gate stuckPastDeadline = new Gate(new RandomBytes(size, 6), 256 * 1024);
        Gate stuckThenCancelled = new Gate(new RandomBytes(size, 7), 256 * 1024);
        try {
            Transfer late = sender.transfers().send(receiver.localNode().id(), FILES, stuckPastDeadline, size,
                    TransferOptions.defaults().withId("b1").withName("b1").withDeadline(Duration.ofMillis(500)));
            Transfer cancelled = sender.transfers().send(receiver.localNode().id(), FILES, stuckThenCancelled, size,
                    TransferOptions.defaults().withId("b2").withName("b2"));
            await().atMost(WAIT).until(() -> cancelled.progress().bytesDone() >= 256 * 1024);
            cancelled.cancel("the source stalled");
            // Both sources are still blocked in a read (their gates open only below): the results come from
            // the transfers' lanes, which do not wait for the reads.
            TransferResult r1 = late.result().get(15, TimeUnit.SECONDS);
            assertEquals(TransferResult.Status.CANCELLED, r1.status());
            assertTrue(r1.reason().contains("deadline"), r1.reason());
            TransferResult r2 = cancelled.result().get(15, TimeUnit.SECONDS);
            assertEquals(TransferResult.Status.CANCELLED, r2.status());
            assertTrue(r2.reason().contains("the source stalled"), r2.reason());
            await().atMost(WAIT).until(() -> ended.containsKey("b1") && ended.containsKey("b2"));
        } finally {
            stuckPastDeadline.open();
            stuckThenCancelled.open();
        }
        await().atMost(WAIT).until(() -> sender.transfers().active().isEmpty() && receiver.transfers().active().isEmpty());
    }

    @Test
    void refusalsAndMisuseSayWhy() throws Exception {
        Cluster sender = node("s", small(), null, 0);
        Cluster receiver = node("r", small(), null, 0);
        join(sender, receiver);
        byte[] c = new byte[1000];
        TransferResult noHandler = result(sender.transfers().send(receiver.localNode().id(), FILES,
                new ByteArrayInputStream(c), c.length, TransferOptions.defaults()));
        assertEquals(TransferResult.Status.FAILED, noHandler.status());
        assertTrue(noHandler.reason().contains("no handler"), noHandler.reason());

        receiver.transfers().handle(FILES, offer -> TransferTarget.refuse("not today"));
        TransferResult refused = result(sender.transfers().send(receiver.localNode().id(), FILES,
                new ByteArrayInputStream(c), c.length, TransferOptions.defaults()));
        assertTrue(refused.reason().contains("not today"), refused.reason());

        receiver.transfers().handle(TransferType.of(501), offer -> TransferTarget.sink(in -> in.readAllBytes()));
        TransferResult shortStream = result(sender.transfers().send(receiver.localNode().id(), TransferType.of(501),
                new ByteArrayInputStream(c), c.length + 10, TransferOptions.defaults()));
        assertEquals(TransferResult.Status.FAILED, shortStream.status());

        assertThrows(IllegalArgumentException.class, () -> sender.transfers().send(receiver.localNode().id(), FILES,
                tmp.resolve("missing"), TransferOptions.defaults()));
        assertThrows(IllegalArgumentException.class, () -> TransferType.of(5));
        // more parts of 64 KiB than the bitmap of one acceptance frame can list
        IllegalArgumentException tooManyParts = assertThrows(IllegalArgumentException.class, () -> sender.transfers()
                .send(receiver.localNode().id(), FILES, new ByteArrayInputStream(c), 1L << 44, TransferOptions.defaults()));
        assertTrue(tooManyParts.getMessage().contains("raise TransferConfig.partSize"), tooManyParts::getMessage);
        assertThrows(IllegalStateException.class, () -> receiver.transfers().handle(FILES, offer -> null));
        await().atMost(WAIT).until(() -> sender.transfers().active().isEmpty() && receiver.transfers().active().isEmpty());
    }

    /** Pseudo-random bytes, generated as read. */
    static final class RandomBytes extends InputStream {
        private final SplittableRandom random;
        private long left;

        RandomBytes(long size, long seed) {
            this.left = size;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return random.nextInt(256);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) random.nextInt(256);
            }
            left -= n;
            return n;
        }
    }

    /** Content that stops after a number of bytes until opened, so a test can act while a transfer is mid-way. */
    static final class Gate extends java.io.FilterInputStream {
        private final long stopAt;
        private final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
        private long read;

        Gate(java.io.InputStream in, long stopAt) {
            super(in);
            this.stopAt = stopAt;
        }

        void open() {
            opened.countDown();
        }

        private void waitIfDue() throws IOException {
            if (read >= stopAt) {
                try {
                    if (!opened.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IOException("the gate was never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
        }

        @Override
        public int read() throws IOException {
            waitIfDue();
            int b = super.read();
            read += b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            waitIfDue();
            int n = super.read(b, off, (int) Math.max(1, Math.min(len, read < stopAt ? stopAt - read : len)));
            read += Math.max(n, 0);
            return n;
        }
    }
}
