package io.tamtam.internal.dissemination;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BroadcastTreeTest {
    private static final Function<UUID, UUID> ID = Function.identity();

    private static List<UUID> ids(Random r, int n) {
        List<UUID> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new UUID(r.nextLong(), r.nextLong()));
        }
        return out;
    }

    @Test
    void nodesWithTheSameViewPushToEveryMemberExactlyOnceInLogDepth() {
        Random r = new Random(7);
        for (int n : new int[] {1, 2, 5, 63, 64, 200}) {
            for (int k : new int[] {1, 3, 4}) {
                UUID origin = new UUID(r.nextLong(), r.nextLong());
                List<UUID> members = ids(r, n);
                long seq = r.nextLong();
                Map<UUID, Integer> pushes = new HashMap<>();
                Map<UUID, Integer> depth = new HashMap<>();
                Deque<UUID> todo = new ArrayDeque<>(List.of(origin));
                depth.put(origin, 0);
                while (!todo.isEmpty()) {
                    UUID at = todo.poll();
                    for (UUID c : Disseminator.treeChildren(members, ID, at, origin, seq, k)) {
                        assertFalse(c.equals(at) || c.equals(origin), "a node pushes neither to itself nor to the origin");
                        if (pushes.merge(c, 1, Integer::sum) == 1) {
                            depth.put(c, depth.get(at) + 1);
                            todo.add(c);
                        }
                    }
                }
                assertEquals(n, pushes.size(), "every member is reached, n=" + n + " k=" + k);
                assertTrue(pushes.values().stream().allMatch(v -> v == 1), "each member is pushed to once");
                int levels = 0;
                for (long reach = 0, width = 1; reach < n; levels++) {
                    width *= k;
                    reach += width;
                }
                int deepest = depth.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
                assertEquals(levels, deepest, "a k-ary tree's depth, n=" + n + " k=" + k);
            }
        }
    }

    @Test
    void differentBroadcastsUseDifferentTrees() {
        Random r = new Random(11);
        UUID origin = new UUID(1, 2);
        List<UUID> members = ids(r, 64);
        List<UUID> first = Disseminator.treeChildren(members, ID, origin, origin, 1, 4);
        boolean differs = false;
        for (long seq = 2; seq < 10 && !differs; seq++) {
            differs = !Disseminator.treeChildren(members, ID, origin, origin, seq, 4).equals(first);
        }
        assertTrue(differs, "the origin's children change with the sequence, spreading the relaying");
    }

    @Test
    void aNodeOutsideTheRankingHasNoChildren() {
        Random r = new Random(13);
        List<UUID> members = ids(r, 20);
        assertEquals(List.of(), Disseminator.treeChildren(members, ID, new UUID(5, 5), new UUID(6, 6), 3, 4));
    }
}
