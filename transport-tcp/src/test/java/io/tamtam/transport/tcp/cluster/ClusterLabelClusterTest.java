package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;
import io.tamtam.JoinException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clusters with different labels on one network never merge, with keys and without. */
class ClusterLabelClusterTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void withoutKeysALabelMismatchIsRefusedAndCounted() throws Exception {
        List<Cluster> blue = nodes.cluster(2, ClusterConfig.local().clusterLabel("blue"));
        Cluster green = nodes.start(ClusterConfig.local().clusterLabel("green").joinTimeout(Duration.ofSeconds(1)));
        Cluster none = nodes.start(ClusterConfig.local().joinTimeout(Duration.ofSeconds(1)));

        assertRefused(green, blue.get(0));
        assertRefused(none, blue.get(0));
        assertRefused(blue.get(1), none);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertTrue(blue.get(0).stats().dropped(DropReason.LABEL_MISMATCH) >= 2, blue.get(0).stats().toString());
            assertTrue(none.stats().dropped(DropReason.LABEL_MISMATCH) >= 1, none.stats().toString());
        });
        assertEquals(2, blue.get(0).liveMembers().size());
        assertEquals(2, blue.get(1).liveMembers().size());
        assertEquals(1, green.liveMembers().size());
        assertEquals(1, none.liveMembers().size());
    }

    @Test
    void withKeysTheLabelIsAuthenticatedAndSameKeyOtherLabelNeverMerges() throws Exception {
        ClusterConfig.Builder red = ClusterConfig.local().encryptionKeys(Nodes.key(1)).clusterLabel("red");
        List<Cluster> reds = nodes.cluster(3, red);
        Cluster other = nodes.start(ClusterConfig.local().encryptionKeys(Nodes.key(1)).clusterLabel("redd")
                .joinTimeout(Duration.ofSeconds(1)));
        assertRefused(other, reds.get(1));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertTrue(reds.get(1).stats().dropped(DropReason.LABEL_MISMATCH) >= 1, reds.get(1).stats().toString()));
        for (Cluster c : reds) {
            assertEquals(3, c.liveMembers().size());
        }
        assertEquals(1, other.liveMembers().size());
    }

    private static void assertRefused(Cluster joiner, Cluster seed) {
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> joiner.join(seed.localNode().address()).get(20, TimeUnit.SECONDS));
        assertInstanceOf(JoinException.class, failed.getCause());
    }
}
