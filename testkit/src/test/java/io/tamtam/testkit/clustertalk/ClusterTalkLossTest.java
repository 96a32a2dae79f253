package io.tamtam.testkit.clustertalk;

import io.tamtam.MessageType;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ClusterTalk's counts on the simulator with 5% of datagrams lost: 10,000 one-way reliable messages, and
 * 5 nodes each broadcasting 10,000, every node receiving every one of the others exactly once.
 */
class ClusterTalkLossTest {
    static final MessageType<String> ONE_WAY = MessageType.of(710, String.class);
    static final MessageType<String> BROADCAST = MessageType.of(711, String.class);
    static final int COUNT = 10_000;

    static List<SimNode> cluster(SimNetwork net, int n) {
        List<SimNode> nodes = net.addNodes(n);
        for (SimNode s : nodes.subList(1, n)) {
            s.cluster().join(nodes.get(0).address());
        }
        assertTrue(net.runUntil(net::converged, Duration.ofSeconds(60)));
        return nodes;
    }

    @Test
    void oneWayReliableUnderLoss() {
        try (SimNetwork net = SimNetwork.builder().seed(21).loss(0.05).build()) {
            List<SimNode> nodes = cluster(net, 2);
            List<String> received = new ArrayList<>();
            nodes.get(1).cluster().handle(ONE_WAY, p -> received.add(p.payload()));
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                sent.add(nodes.get(0).cluster().sendReliable(nodes.get(1).id(), ONE_WAY, ClusterTalkTest.text(0, i)));
                if (i % 500 == 499) {
                    net.runFor(Duration.ofMillis(50));
                }
            }
            assertTrue(net.runUntil(() -> sent.stream().allMatch(CompletableFuture::isDone), Duration.ofMinutes(5)));
            assertTrue(sent.stream().noneMatch(CompletableFuture::isCompletedExceptionally));
            assertEquals(COUNT, received.size());
            for (int i = 0; i < COUNT; i++) {
                assertEquals(ClusterTalkTest.text(0, i), received.get(i));
            }
        }
    }

    @Test
    void fiveNodesBroadcastUnderLossAndEveryNodeGetsAllOfTheOthers() {
        int n = 5;
        try (SimNetwork net = SimNetwork.builder().seed(22).loss(0.05).build()) {
            List<SimNode> nodes = cluster(net, n);
            List<Set<String>> got = new ArrayList<>();
            int[] duplicates = new int[n];
            for (int i = 0; i < n; i++) {
                Set<String> set = new HashSet<>();
                got.add(set);
                int node = i;
                nodes.get(i).cluster().handle(BROADCAST, p -> {
                    if (!set.add(p.payload())) {
                        duplicates[node]++;
                    }
                });
            }
            // each node offers its next broadcasts every 20 virtual ms; one its queue refuses is offered again
            List<ArrayDeque<Integer>> todo = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ArrayDeque<Integer> q = new ArrayDeque<>();
                for (int s = 0; s < COUNT; s++) {
                    q.add(s);
                }
                todo.add(q);
            }
            Duration start = net.now();
            for (int round = 0; round < 100_000 && todo.stream().anyMatch(q -> !q.isEmpty()); round++) {
                Map<CompletableFuture<Void>, int[]> offered = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < 100 && !todo.get(i).isEmpty(); k++) {
                        int seq = todo.get(i).poll();
                        offered.put(nodes.get(i).cluster().broadcast(BROADCAST, ClusterTalkTest.text(i, seq)), new int[] {i, seq});
                    }
                }
                net.runFor(Duration.ofMillis(20));
                offered.forEach((f, at) -> {
                    if (!f.isDone() || f.isCompletedExceptionally()) {
                        todo.get(at[0]).add(at[1]);
                    }
                });
            }
            assertTrue(todo.stream().allMatch(ArrayDeque::isEmpty), "every broadcast was accepted");
            boolean all = net.runUntil(() -> got.stream().allMatch(s -> s.size() == (n - 1) * COUNT), Duration.ofMinutes(10));
            System.out.println("ClusterTalk broadcast, simulator, 5% loss: all 40,000 at every node after "
                    + net.now().minus(start).toMillis() + " virtual ms; received " + got.stream().map(Set::size).toList());
            assertTrue(all, "received " + got.stream().map(Set::size).toList());
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < n; o++) {
                    for (int s = 0; s < COUNT; s++) {
                        assertEquals(o != i, got.get(i).contains(ClusterTalkTest.text(o, s)));
                    }
                }
                assertEquals(0, duplicates[i], "duplicates at node " + i);
            }
        }
    }
}
