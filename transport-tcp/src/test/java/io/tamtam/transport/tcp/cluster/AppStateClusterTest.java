package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.WireFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Application state travels with push-pull on real sockets: each node's latest published state reaches
 * every other node's merge hook, a state above the bound is refused where it is published, and one
 * forged on the wire is dropped and counted while the exchange's membership part still applies.
 */
class AppStateClusterTest {
    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    /** A node's application state in this test: a small map, encoded as bytes by the application. */
    static byte[] encode(Map<String, String> map) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(map.size());
            for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> decode(byte[] state) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
            Map<String, String> map = new TreeMap<>();
            for (int n = in.readInt(); n > 0; n--) {
                map.put(in.readUTF(), in.readUTF());
            }
            return map;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ClusterConfig.Builder fastPushPull() {
        return ClusterConfig.local().pushPullInterval(Duration.ofMillis(200));
    }

    @Test
    void everyNodeMergesEveryOtherNodesLatestState() {
        List<Cluster> cluster = new ArrayList<>();
        List<Map<UUID, Map<String, String>>> seen = new ArrayList<>();
        List<Set<UUID>> joinedWith = new ArrayList<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 3; i++) {
            Cluster c = nodes.start(fastPushPull());
            Map<UUID, Map<String, String>> latest = new ConcurrentHashMap<>();
            Set<UUID> joins = ConcurrentHashMap.newKeySet();
            c.appState().onRemoteState(byte[].class, (from, state, join) -> {
                latest.put(from.id(), decode(state));
                threads.add(Thread.currentThread().getName());
                if (join) {
                    joins.add(from.id());
                }
            });
            c.appState().publish(encode(Map.of("node", Integer.toString(i), "version", "1")));
            cluster.add(c);
            seen.add(latest);
            joinedWith.add(joins);
        }
        Nodes.join(cluster.get(1), cluster.get(0));
        Nodes.join(cluster.get(2), cluster.get(0));
        Nodes.awaitAlive(cluster, 3, Duration.ofSeconds(30));

        // Joins carry state both ways, and both sides are told it came with a join.
        UUID seed = cluster.get(0).localNode().id();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertEquals(Set.of(cluster.get(1).localNode().id(), cluster.get(2).localNode().id()), joinedWith.get(0));
            assertEquals(Set.of(seed), joinedWith.get(1), "joiner 1 told of the seed's state at its join");
            assertEquals(Set.of(seed), joinedWith.get(2), "joiner 2 told of the seed's state at its join");
        });

        for (int i = 0; i < 3; i++) {
            cluster.get(i).appState().publish(encode(Map.of("node", Integer.toString(i), "version", "2", "load", "0." + i)));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    Map<String, String> expected = i == j ? null
                            : Map.of("node", Integer.toString(j), "version", "2", "load", "0." + j);
                    assertEquals(expected, seen.get(i).get(cluster.get(j).localNode().id()), "node " + i + " about node " + j);
                }
            }
        });
        assertTrue(threads.stream().allMatch(t -> t.startsWith("tamtam-callback-")), "the hook runs on callback threads: " + threads);
        for (Cluster c : cluster) {
            assertEquals(0, c.stats().dropped(DropReason.OVERSIZED), () -> c + " " + c.stats());
            assertEquals(0, c.stats().callbackErrors());
        }
    }

    @Test
    void aStateAboveTheBoundIsRefusedWhereItIsPublished() {
        Cluster c = nodes.start(ClusterConfig.local().maxAppStateBytes(64));
        assertEquals(64, c.config().toBuilder().build().maxAppStateBytes());
        assertEquals(ClusterConfig.DEFAULT_MAX_APP_STATE_BYTES, ClusterConfig.local().build().maxAppStateBytes());
        c.appState().publish(new byte[64]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.appState().publish(new byte[65]));
        assertTrue(e.getMessage().contains("maxAppStateBytes = 64"), e.getMessage());
        assertArrayEquals(new byte[64], c.appState().local(), "the previous state stays");
        assertThrows(NullPointerException.class, () -> c.appState().publish(null));
        c.appState().clear();
        assertNull(c.appState().local());
        assertThrows(IllegalArgumentException.class, () -> ClusterConfig.local().maxAppStateBytes(-1).build());
        assertThrows(IllegalArgumentException.class,
                () -> ClusterConfig.local().maxFrameSize(1 << 20).maxAppStateBytes((1 << 19) + 1).build());
    }

    @Test
    void aForgedOversizedStateIsDroppedAndCountedAndTheJoinStillApplies() throws Exception {
        Cluster seed = nodes.start(fastPushPull().maxAppStateBytes(16));
        List<String> merged = new CopyOnWriteArrayList<>();
        seed.appState().onRemoteState(String.class, (from, state, join) -> merged.add(state + (join ? " (join)" : "")));
        seed.appState().publish("seed state");
        UUID joinerId;
        try (HandPlayedPeer joiner = new HandPlayedPeer(seed.localNode().address())) {
            joinerId = joiner.id();
            MemberInfo record = joiner.record(WireFormat.PROTOCOL_VERSION);

            // Within the bound (16 bytes): merged by the seed's hook, which is told it came with a join.
            Message.PushPull answer = exchange(joiner, new Message.PushPull(1, WireFormat.PUSH_PULL_JOIN,
                    List.of(record), utf8("sixteen bytes ok")));
            assertTrue(answer.members().stream().anyMatch(m -> m.id().equals(seed.localNode().id())), "the seed's members");
            assertArrayEquals(utf8("seed state"), answer.appState(), "the reply carries the seed's state");
            await().atMost(Duration.ofSeconds(10)).until(() -> merged.contains("sixteen bytes ok (join)"));

            // One byte above the bound: the state is dropped and counted, the exchange is still answered.
            byte[] oversized = new byte[17];
            Arrays.fill(oversized, (byte) 'x');
            long before = seed.stats().dropped(DropReason.OVERSIZED);
            Message.PushPull second = exchange(joiner, new Message.PushPull(2, 0, List.of(record), oversized));
            assertEquals(2, second.requestId());
            await().atMost(Duration.ofSeconds(10)).until(() -> seed.stats().dropped(DropReason.OVERSIZED) == before + 1);
        }
        assertTrue(seed.member(joinerId).isPresent(), "the membership part of the exchange applied");
        assertEquals(List.of("sixteen bytes ok (join)"), merged, "the oversized state never reached the hook");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Sends one push-pull and returns the push-pull that answers it, skipping other frames the node sends. */
    private static Message.PushPull exchange(HandPlayedPeer peer, Message.PushPull request) throws Exception {
        peer.send(request);
        while (true) {
            for (Message m : peer.receive().messages()) {
                if (m instanceof Message.PushPull pp && pp.requestId() == request.requestId()) {
                    assertTrue(pp.reply(), "an answer has the REPLY flag");
                    return pp;
                }
            }
        }
    }
}
