package io.tamtam.testkit.clustertalk;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MessageType;
import io.tamtam.NodeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ClusterTalk's two counts on loopback sockets: 10,000 one-way messages node to node, and 5 nodes each
 * broadcasting 10,000, every node receiving the 40,000 of the others, contents checked.
 */
class ClusterTalkTest {
    record Envelope(String from, int seq, String text) {
    }

    static final MessageType<String> ONE_WAY = MessageType.of(700, String.class);
    static final MessageType<String> BROADCAST = MessageType.of(701, String.class);
    static final int COUNT = 10_000;

    final List<Cluster> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        nodes.forEach(Cluster::close);
    }

    List<Cluster> cluster(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            // LAN timings (500 ms probes): 5 nodes and the test's senders share a loaded 2-core machine
            nodes.add(Cluster.create(ClusterConfig.lan().bindAddress(new InetSocketAddress("127.0.0.1", 0)).build()));
        }
        for (Cluster c : nodes.subList(1, n)) {
            c.join(nodes.get(0).localNode().address()).get(10, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> nodes.stream().allMatch(c -> c.memberCount(NodeState.ALIVE) == n));
        return nodes;
    }

    static String text(int origin, int seq) {
        return origin + ":" + seq + ":" + Integer.toHexString(seq * 31 + origin);
    }

    @Test
    void tenThousandOneWayMessagesAllArriveInOrderWithTheirContents() throws Exception {
        List<Cluster> c = cluster(2);
        List<String> received = new CopyOnWriteArrayList<>();
        c.get(1).handle(ONE_WAY, p -> received.add(p.payload()));
        List<CompletableFuture<Void>> sent = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            sent.add(c.get(0).sendReliable(c.get(1).localNode(), ONE_WAY, text(0, i)));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        assertEquals(COUNT, received.size());
        for (int i = 0; i < COUNT; i++) {
            assertEquals(text(0, i), received.get(i));
        }
    }

    @Test
    void fiveNodesEachBroadcastTenThousandAndEveryNodeReceivesAllFortyThousandOfTheOthers() throws Exception {
        int n = 5;
        List<Cluster> c = cluster(n);
        List<Set<String>> got = new ArrayList<>();
        List<Map<String, Integer>> copies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Set<String> set = ConcurrentHashMap.newKeySet();
            Map<String, Integer> dup = new ConcurrentHashMap<>();
            got.add(set);
            copies.add(dup);
            c.get(i).handle(BROADCAST, p -> {
                if (!set.add(p.payload())) {
                    dup.merge(p.payload(), 1, Integer::sum);
                }
            });
        }
        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int i = 0; i < n; i++) {
            int origin = i;
            Thread t = new Thread(() -> {
                try {
                    BroadcastPacer.broadcastAll(c.get(origin), BROADCAST, COUNT, seq -> text(origin, seq));
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            t.start();
            senders.add(t);
        }
        for (Thread t : senders) {
            t.join(TimeUnit.MINUTES.toMillis(3));
        }
        assertTrue(failures.isEmpty(), failures.toString());
        System.out.println("ClusterTalk broadcast: all queued after " + (System.nanoTime() - start) / 1_000_000 + " ms");
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> got.stream().allMatch(s -> s.size() == (n - 1) * COUNT));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("received by each node: " + got.stream().map(Set::size).toList()
                    + ", drops " + c.stream().map(x -> x.stats().dropped(io.tamtam.DropReason.QUEUE_FULL)).toList(), e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("ClusterTalk broadcast: 5 nodes x 10,000 broadcasts, all 40,000 at every node in " + millis + " ms");
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < n; o++) {
                for (int s = 0; s < COUNT; s++) {
                    assertEquals(o != i, got.get(i).contains(text(o, s)), "node " + i + " message " + text(o, s));
                }
            }
            assertTrue(copies.get(i).isEmpty(), "node " + i + " got duplicates: " + copies.get(i).size());
        }
    }
}
