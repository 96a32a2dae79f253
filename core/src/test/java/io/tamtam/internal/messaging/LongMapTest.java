package io.tamtam.internal.messaging;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongMapTest {
    @Test
    void agreesWithHashMapUnderRandomPutsRemovesAndSweeps() {
        SplittableRandom random = new SplittableRandom(42);
        LongMap<String> map = new LongMap<>();
        Map<Long, String> reference = new HashMap<>();
        for (int op = 0; op < 200_000; op++) {
            // Keys from a small range collide and probe; a few far keys land anywhere.
            long key = random.nextInt(10) == 0 ? random.nextLong() : random.nextInt(3_000);
            int what = random.nextInt(100);
            if (what < 50) {
                String v = "v" + op;
                assertEquals(reference.put(key, v), map.put(key, v));
            } else if (what < 75) {
                assertEquals(reference.remove(key), map.remove(key));
            } else if (what < 99) {
                assertEquals(reference.get(key), map.get(key));
            } else {
                long cut = random.nextInt(3_000);
                List<String> removed = map.removeIf((k, v) -> k >= 0 && k < cut);
                int before = reference.size();
                reference.keySet().removeIf(k -> k >= 0 && k < cut);
                assertEquals(before - reference.size(), removed.size());
            }
            assertEquals(reference.size(), map.size());
        }
        for (Map.Entry<Long, String> e : reference.entrySet()) {
            assertEquals(e.getValue(), map.get(e.getKey()));
        }
    }

    @Test
    void sequentialKeysAsCorrelationIdsGoAndComeBack() {
        LongMap<Long> map = new LongMap<>();
        long base = Long.MAX_VALUE - 500; // ids wrap past Long.MAX_VALUE
        for (long i = 0; i < 1_000; i++) {
            map.put(base + i, i);
        }
        for (long i = 0; i < 1_000; i += 2) {
            assertEquals(i, map.remove(base + i));
        }
        for (long i = 0; i < 1_000; i++) {
            if (i % 2 == 0) {
                assertNull(map.get(base + i));
            } else {
                assertEquals(i, map.get(base + i));
            }
        }
        assertEquals(500, map.removeIf((k, v) -> true).size());
        assertEquals(0, map.size());
        assertNull(map.get(base + 1));
        assertTrue(map.removeIf((k, v) -> true).isEmpty());
    }
}
