package io.tamtam.transport.tcp.cluster;

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

    private static final int SECRET = 500;

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
        b.handle(SECRET, String.class, p -> received.add(p.payload()));
        a.sendReliable(b.localNode(), SECRET, "attack at dawn").get(10, TimeUnit.SECONDS);
        assertEquals(List.of("attack at dawn"), List.copyOf(received));

        long droppedBefore = a.stats().dropped(DropReason.UNAUTHENTICATED);
        Cluster intruder = nodes.start(ClusterConfig.local().encryptionKeys(key(99)).joinTimeout(Duration.ofSeconds(2)));
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> intruder.join(a.localNode().address()).get(20, TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof io.tamtam.JoinException, failed.getCause().toString());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertTrue(a.stats().dropped(DropReason.UNAUTHENTICATED) > droppedBefore, "UNAUTHENTICATED drops at the seed"));
        assertEquals(2, a.aliveMembers().size());
        assertEquals(2, b.aliveMembers().size());
        assertEquals(1, intruder.aliveMembers().size());
    }
}
