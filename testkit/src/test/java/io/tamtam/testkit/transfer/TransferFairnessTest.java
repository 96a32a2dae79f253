package io.tamtam.testkit.transfer;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;
import io.tamtam.NodeState;
import io.tamtam.transfer.Transfer;
import io.tamtam.transfer.TransferConfig;
import io.tamtam.transfer.TransferOptions;
import io.tamtam.transfer.TransferResult;
import io.tamtam.transfer.TransferTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.tamtam.testkit.transfer.TransferTest.FILES;
import static io.tamtam.testkit.transfer.TransferTest.WAIT;
import static io.tamtam.testkit.transfer.TransferTest.sha;
import static io.tamtam.testkit.transfer.TransferTest.writeRandom;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transfers and the membership protocol, on loopback sockets: large transfers from one node to two
 * others raise no false suspicion, and transfers to one node at once share the link.
 */
class TransferFairnessTest {
    /** Membership events that a healthy cluster must not see. */
    static final List<MembershipEvent.Type> FAILURES =
            List.of(MembershipEvent.Type.SUSPECT, MembershipEvent.Type.DEAD, MembershipEvent.Type.REMOVED);

    @TempDir
    Path tmp;
    final List<Cluster> nodes = new ArrayList<>();

    @AfterEach
    void closeNodes() {
        nodes.forEach(Cluster::close);
    }

    /**
     * LAN timings with a probe every 1 s and a 1 s probe timeout (instead of 500 ms and 250 ms): the three
     * nodes share one JVM and, in the test, two cores with other builds (load 12-23 when this was written),
     * where young GC pauses reached 450 ms and stalls at the receivers' final fsync and SHA-256 got one
     * node suspected in about one run of seven with 250 or 500 ms timeouts; none in seven runs with these.
     */
    Cluster node(String dir, TransferConfig transfers) throws IOException {
        Cluster c = Cluster.create(ClusterConfig.lan().probeInterval(Duration.ofSeconds(1)).probeTimeout(Duration.ofSeconds(1))
                .transfers(transfers.withDirectory(tmp.resolve(dir)))
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .build());
        nodes.add(c);
        return c;
    }

    void joinAll(Cluster seed, List<Cluster> others) throws Exception {
        for (Cluster c : others) {
            c.join(seed.localNode().address()).get(30, TimeUnit.SECONDS);
        }
        List<Cluster> all = new ArrayList<>(others);
        all.add(seed);
        await().atMost(WAIT).until(() -> all.stream().allMatch(x -> all.stream().allMatch(
                y -> x.member(y.localNode().id()).map(n -> n.state() == NodeState.ALIVE).orElse(false))));
    }

    @Test
    void halfAGibibyteToTwoNodesAtOnceRaisesNoSuspicion() throws Exception {
        Cluster a = node("a", TransferConfig.defaults());
        Cluster b = node("b", TransferConfig.defaults());
        Cluster c = node("c", TransferConfig.defaults());
        joinAll(a, List.of(b, c));
        long size = 256L << 20;
        Path toB = tmp.resolve("to-b.bin");
        Path toC = tmp.resolve("to-c.bin");
        writeRandom(toB, size, 11);
        writeRandom(toC, size, 12);
        // the sources on disk before watching: their write-back is the test's setup, not the transfers
        for (Path f : List.of(toB, toC)) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        List<String> failures = new CopyOnWriteArrayList<>();
        for (Cluster n : nodes) {
            n.addMembershipListener(e -> {
                if (FAILURES.contains(e.type())) {
                    failures.add(a.stats().transferBytesSent() / (1 << 20) + " MiB sent: " + n.localNode().id() + " saw " + e.type() + " of " + e.node().id() + " (" + e.cause() + ")");
                }
            });
        }
        Path outB = tmp.resolve("out-b");
        Path outC = tmp.resolve("out-c");
        b.transfers().handle(FILES, offer -> TransferTarget.file(outB.resolve(offer.name())));
        c.transfers().handle(FILES, offer -> TransferTarget.file(outC.resolve(offer.name())));

        Transfer tb = a.transfers().send(b.localNode().id(), FILES, toB, TransferOptions.defaults().withId("to-b").withName("f"));
        Transfer tc = a.transfers().send(c.localNode().id(), FILES, toC, TransferOptions.defaults().withId("to-c").withName("f"));
        TransferResult rb = tb.result().get(2 * WAIT.toSeconds(), TimeUnit.SECONDS);
        TransferResult rc = tc.result().get(2 * WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(TransferResult.Status.COMPLETED, rb.status(), rb.reason());
        assertEquals(TransferResult.Status.COMPLETED, rc.status(), rc.reason());
        assertArrayEquals(sha(toB), sha(outB.resolve("f")));
        assertArrayEquals(sha(toC), sha(outC.resolve("f")));
        assertEquals(2 * size, a.stats().transferBytesSent());
        assertEquals(List.of(), failures, "no member was suspected while the transfers ran");
        for (Path p : List.of(toB, toC, outB.resolve("f"), outC.resolve("f"))) {
            Files.delete(p);
        }
    }

    @Test
    void threeTransfersToOneNodeEachProgressWhileTheOthersRun() throws Exception {
        int partSize = 64 * 1024;
        int window = 8;
        TransferConfig config = TransferConfig.defaults().withPartSize(partSize).withWindow(window);
        Cluster a = node("a", config);
        Cluster b = node("b", config);
        joinAll(a, List.of(b));
        Path out = tmp.resolve("out");
        b.transfers().handle(FILES, offer -> TransferTarget.file(out.resolve(offer.name())));
        int n = 3;
        long size = 48L << 20;
        // every read of a source, in the order the sender made them: {transfer, bytes read so far}
        List<long[]> reads = Collections.synchronizedList(new ArrayList<>());
        List<Path> files = new ArrayList<>();
        List<Transfer> transfers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path f = tmp.resolve("f" + i);
            writeRandom(f, size, 20 + i);
            files.add(f);
        }
        for (int i = 0; i < n; i++) {
            transfers.add(a.transfers().send(b.localNode().id(), FILES, new LoggedStream(Files.newInputStream(files.get(i)), i, reads),
                    size, TransferOptions.defaults().withId("fair-" + i).withName("f" + i)));
        }
        for (int i = 0; i < n; i++) {
            TransferResult r = transfers.get(i).result().get(2 * WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(TransferResult.Status.COMPLETED, r.status(), r.reason());
            assertArrayEquals(sha(files.get(i)), sha(out.resolve("f" + i)));
        }

        // The sender reads part k of a transfer only once fewer than `window` of its parts are unacknowledged,
        // so a transfer that has read more than window x partSize bytes had parts acknowledged. When the first
        // transfer read its last byte (before it could complete), every other one must be past that point.
        long[] readSoFar = new long[n];
        synchronized (reads) {
            for (long[] r : reads) {
                readSoFar[(int) r[0]] = r[1];
                if (r[1] == size) {
                    break;
                }
            }
        }
        for (int j = 0; j < n; j++) {
            assertTrue(readSoFar[j] > (long) window * partSize, "transfer " + j + " had no part acknowledged when the first "
                    + "transfer read its last part; bytes read then: " + Arrays.toString(readSoFar));
        }
        System.out.println("bytes read by each transfer when the first read its last part: " + Arrays.toString(readSoFar));
    }

    /** Logs how far each read got, in one list shared by the transfers. */
    static final class LoggedStream extends FilterInputStream {
        private final int transfer;
        private final List<long[]> log;
        private long position;

        LoggedStream(InputStream in, int transfer, List<long[]> log) {
            super(in);
            this.transfer = transfer;
            this.log = log;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                log.add(new long[] {transfer, ++position});
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int got = super.read(b, off, len);
            if (got > 0) {
                position += got;
                log.add(new long[] {transfer, position});
            }
            return got;
        }
    }
}
