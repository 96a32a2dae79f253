package io.tamtam.transport.tcp.cluster;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AES-GCM encrypted clusters: one key clusters, another key is shut out. */
class EncryptionClusterTest {

    private static final MessageType<String> SECRET = MessageType.of(500, String.class);
    private static final int STREAM = 501;

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (fill + i);
        }
        return k;
    }

    @Test
    void nodesWithOneKeyClusterAndANodeWithAnotherKeyCannotJoin() throws Exception {
        ClusterConfig.Builder shared = ClusterConfig.local().encryptionKeys(key(1));
        List<Cluster> pair = nodes.cluster(2, shared);
        Cluster a = pair.get(0);
        Cluster b = pair.get(1);
        Queue<String> received = new ConcurrentLinkedQueue<>();
        b.handle(SECRET, p -> received.add(p.payload()));
        a.sendReliable(b.localNode(), SECRET, "attack at dawn").get(10, TimeUnit.SECONDS);
        assertEquals(List.of("attack at dawn"), List.copyOf(received));

        long droppedBefore = a.stats().dropped(DropReason.UNAUTHENTICATED);
        Cluster intruder = nodes.start(ClusterConfig.local().encryptionKeys(key(99)).joinTimeout(Duration.ofSeconds(2)));
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> intruder.join(a.localNode().address()).get(20, TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof io.tamtam.JoinException, failed.getCause().toString());
        assertTrue(failed.getCause().getMessage().contains("check that the keys match"), failed.getCause().getMessage());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertTrue(a.stats().dropped(DropReason.UNAUTHENTICATED) > droppedBefore, "UNAUTHENTICATED drops at the seed"));
        assertEquals(2, a.liveMembers().size());
        assertEquals(2, b.liveMembers().size());
        assertEquals(1, intruder.liveMembers().size());
    }

    @Test
    void streamsInAnEncryptedClusterCarryTheirBytesSealedBothWays() throws Exception {
        ClusterConfig.Builder shared = ClusterConfig.local().encryptionKeys(key(1), key(2));
        List<Cluster> pair = nodes.cluster(2, shared);
        Cluster a = pair.get(0);
        Cluster b = pair.get(1);
        b.handleStream(STREAM, s -> {
            try (s) {
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                byte[] buf = new byte[10_000];
                long total = 0;
                int n;
                while ((n = s.inputStream().read(buf)) >= 0) {
                    crc.update(buf, 0, n);
                    total += n;
                }
                java.io.DataOutputStream out = new java.io.DataOutputStream(s.outputStream());
                out.writeLong(total);
                out.writeLong(crc.getValue());
                out.close();
            }
        });
        byte[] data = new byte[3 * 1024 * 1024 + 123];
        new java.util.Random(5).nextBytes(data);
        java.util.zip.CRC32 expected = new java.util.zip.CRC32();
        expected.update(data);
        try (io.tamtam.NodeStream s = a.openStream(b.localNode(), STREAM).get(10, TimeUnit.SECONDS)) {
            s.outputStream().write(data, 0, 1000);
            s.outputStream().flush();
            s.outputStream().write(data, 1000, data.length - 1000);
            s.outputStream().close();
            java.io.DataInputStream in = new java.io.DataInputStream(s.inputStream());
            assertEquals(data.length, in.readLong());
            assertEquals(expected.getValue(), in.readLong());
            assertEquals(-1, in.read(), "the acceptor's side ended with its final chunk");
        }
    }

    @Test
    void aStreamCutShortFailsTheReadInsteadOfLookingComplete() throws Exception {
        List<Cluster> pair = nodes.cluster(2, ClusterConfig.local().encryptionKeys(key(1)));
        Cluster a = pair.get(0);
        Cluster b = pair.get(1);
        java.util.concurrent.CompletableFuture<Throwable> readFailure = new java.util.concurrent.CompletableFuture<>();
        b.handleStream(STREAM, s -> {
            try {
                s.inputStream().readAllBytes();
                readFailure.complete(null);
            } catch (java.io.IOException e) {
                readFailure.complete(e);
            } finally {
                s.close();
            }
        });
        io.tamtam.NodeStream s = a.openStream(b.localNode(), STREAM).get(10, TimeUnit.SECONDS);
        s.outputStream().write(new byte[100_000]);
        s.outputStream().flush();
        s.close(); // both directions, without the final chunk
        Throwable failure = readFailure.get(10, TimeUnit.SECONDS);
        assertTrue(failure instanceof java.io.IOException, "the reader must not take a cut stream for a complete one: " + failure);
    }
}
