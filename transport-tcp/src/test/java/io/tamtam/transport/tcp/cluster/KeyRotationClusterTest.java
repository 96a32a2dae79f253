package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;
import io.tamtam.JoinException;
import io.tamtam.Keyring;
import io.tamtam.KeyringReport;
import io.tamtam.MembershipEvent;
import io.tamtam.MessageType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Live key rotation on real sockets, with traffic running throughout. */
class KeyRotationClusterTest {

    private static final MessageType<Integer> TICK = MessageType.of(600, Integer.class);
    private static final int NODES = 4;
    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    private static KeyringReport done(CompletableFuture<KeyringReport> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void installUseRemoveUnderTrafficFailsNothingAndAnOldKeyNodeIsToldWhy() throws Exception {
        byte[] k1 = Nodes.key(1);
        byte[] k2 = Nodes.key(2);
        // Probes slower than local()'s, with long suspicions: on a loaded machine a 100 ms probe timeout
        // suspects nodes starved of CPU, which says nothing about keys. A packet the rotation broke would show
        // as an UNAUTHENTICATED drop, a failed send, or a death.
        ClusterConfig.Builder config = ClusterConfig.local().encryptionKeys(k1).probeInterval(Duration.ofSeconds(1))
                .probeTimeout(Duration.ofMillis(500)).suspicionMultiplier(10);
        List<Cluster> cluster = nodes.cluster(NODES, config);
        AtomicInteger falseFailures = new AtomicInteger();
        AtomicInteger suspicions = new AtomicInteger();
        for (Cluster c : cluster) {
            c.handle(TICK, p -> { });
            c.addMembershipListener(e -> {
                if (e.type() == MembershipEvent.Type.DEAD) {
                    falseFailures.incrementAndGet();
                } else if (e.type() == MembershipEvent.Type.SUSPECT) {
                    suspicions.incrementAndGet();
                }
            });
        }
        // Traffic throughout: each node sends reliable messages to the next, one at a time, until told to stop.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger delivered = new AtomicInteger();
        AtomicReference<Throwable> failedSend = new AtomicReference<>();
        Thread traffic = new Thread(() -> {
            for (int i = 0; i < 100_000 && !stop.get(); i++) {
                Cluster from = cluster.get(i % NODES);
                Cluster to = cluster.get((i + 1) % NODES);
                try {
                    from.sendReliable(to.localNode(), TICK, i).get(30, TimeUnit.SECONDS);
                    delivered.incrementAndGet();
                } catch (Exception e) {
                    failedSend.compareAndSet(null, e);
                }
            }
        }, "traffic");
        traffic.start();
        try {
            Keyring keyring = cluster.get(0).keyring();
            KeyringReport installed = done(keyring.install(k2));
            assertTrue(installed.complete(), installed.toString());
            assertEquals(NODES, installed.acknowledged().size());
            assertEquals(Map.of(Keyring.fingerprint(k1), NODES, Keyring.fingerprint(k2), NODES), installed.holders());

            KeyringReport used = done(cluster.get(1).keyring().use(k2));
            assertTrue(used.complete(), used.toString());
            for (List<String> held : used.keys().values()) {
                assertEquals(Keyring.fingerprint(k2), held.get(0), "k2 is every node's primary key");
            }

            KeyringReport removed = done(keyring.remove(k1));
            assertTrue(removed.complete(), removed.toString());
            assertEquals(Map.of(Keyring.fingerprint(k2), NODES), removed.holders());

            int before = delivered.get();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> delivered.get() > before + 20);
        } finally {
            stop.set(true);
            traffic.join(60_000);
        }
        assertNull(failedSend.get(), "no reliable message failed during the rotation");
        assertEquals(0, falseFailures.get(), () -> "no node was declared dead (" + suspicions + " suspicions, refuted)");
        for (Cluster c : cluster) {
            assertEquals(0, c.stats().dropped(DropReason.UNAUTHENTICATED), c.stats().toString());
            assertEquals(NODES, c.liveMembers().size());
        }

        // The primary key cannot be removed; the report names the fix.
        ExecutionException primary = assertThrows(ExecutionException.class,
                () -> cluster.get(2).keyring().remove(k2).get(30, TimeUnit.SECONDS));
        assertTrue(primary.getCause().getMessage().contains("use("), primary.getCause().getMessage());

        // A node that was down during the rotation: with only k1 it is told why it cannot join; with k1 and k2 it joins.
        Cluster stale = nodes.start(ClusterConfig.local().encryptionKeys(k1).joinTimeout(Duration.ofSeconds(1)));
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> stale.join(cluster.get(0).localNode().address()).get(30, TimeUnit.SECONDS));
        assertInstanceOf(JoinException.class, refused.getCause());
        assertTrue(refused.getCause().getMessage().contains("check that the keys match"), refused.getCause().getMessage());
        Cluster behind = nodes.start(ClusterConfig.local().encryptionKeys(k1, k2));
        behind.join(cluster.get(3).localNode().address()).get(30, TimeUnit.SECONDS);
        Nodes.awaitAlive(cluster, NODES + 1, Duration.ofSeconds(30));
    }

    @Test
    void aNodeWithoutKeysHasNoKeyringAndABadKeyIsRefused() throws Exception {
        Cluster plain = nodes.start();
        IllegalStateException e = assertThrows(IllegalStateException.class, plain::keyring);
        assertTrue(e.getMessage().contains("encryptionKeys"), e.getMessage());
        Cluster keyed = nodes.start(ClusterConfig.local().encryptionKeys(Nodes.key(1)));
        ExecutionException bad = assertThrows(ExecutionException.class,
                () -> keyed.keyring().install(new byte[7]).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, bad.getCause());
        ExecutionException missing = assertThrows(ExecutionException.class,
                () -> keyed.keyring().use(Nodes.key(9)).get(10, TimeUnit.SECONDS));
        assertTrue(missing.getCause().getMessage().contains("install"), missing.getCause().getMessage());
    }
}
