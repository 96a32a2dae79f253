package io.tamtam.internal.dissemination;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BroadcastQueueTest {
    @Test
    void freshestFirstAndRetiredAfterTheLimit() {
        BroadcastQueue q = new BroadcastQueue(16);
        byte[] a = new byte[10];
        byte[] b = new byte[10];
        AtomicInteger retired = new AtomicInteger();
        q.add("a", a, retired::incrementAndGet);
        q.take(1000, 2, 255, 3);
        q.add("b", b, null);
        List<byte[]> first = q.take(14, 2, 255, 3);
        assertEquals(1, first.size());
        assertSame(b, first.get(0), "the item sent fewer times goes first");
        q.take(1000, 2, 255, 3);
        q.take(1000, 2, 255, 3);
        assertEquals(1, retired.get());
        assertEquals(0, q.size());
        assertEquals(0, q.bytes());
        assertEquals(2, q.expired(), "both retired after three transmissions");
        assertEquals(0, q.evicted());
    }

    @Test
    void newsHeardAgainCountsTowardsItsLimitAndGoesBehindFresherItems() {
        BroadcastQueue q = new BroadcastQueue(16);
        byte[] alive = {0x05, 1, 2};
        byte[] other = {0x06, 1, 2};
        AtomicInteger retired = new AtomicInteger();
        q.add("a", alive, retired::incrementAndGet);
        q.add("b", other, null);
        assertFalse(q.heard("b", 0x05, 3, 12), "only an item of the type heard counts");
        assertFalse(q.heard("c", 0x05, 3, 12), "nothing queued under that key");
        assertTrue(q.heard("a", 0x05, 3, 12));
        List<byte[]> first = q.take(5, 2, 255, 12);
        assertEquals(1, first.size());
        assertSame(other, first.get(0), "the item heard again has spread further and goes after the other");
        q.heard("a", 0x05, 3, 12);
        q.heard("a", 0x05, 3, 12);
        assertEquals(0, retired.get());
        q.heard("a", 0x05, 3, 12);
        assertEquals(1, retired.get(), "retired once sends and news heard again reach the limit");
        assertEquals(1, q.size());
        assertEquals(other.length, q.bytes());
        assertEquals(4, q.heard());
        assertEquals(1, q.expired());
    }

    @Test
    void sameKeyReplacesAndFullQueueEvicts() {
        BroadcastQueue q = new BroadcastQueue(16);
        q.add("k", new byte[1], null);
        q.add("k", new byte[2], null);
        assertEquals(1, q.size());
        for (int i = 0; i < 40; i++) {
            q.add(i, new byte[1], null);
        }
        assertEquals(16, q.size());
        assertTrue(q.evicted() > 0);
    }

    @Test
    void anItemThatFitsIsNeverAlsoTakenAsLarge() {
        BroadcastQueue q = new BroadcastQueue(16);
        q.add("k", new byte[98], null);
        assertEquals(1, q.take(100, 2, 255, 10).size());
        assertEquals(0, q.takeLarge(98, 10).size());
        q.add("big", new byte[200], null);
        assertEquals(1, q.takeLarge(98, 10).size());
    }

    @Test
    void boundedInBytesEvictingWhatSpreadFurthestAndRefusingUnsentUserItems() {
        BroadcastQueue q = new BroadcastQueue(1000, 10_000);
        for (int i = 0; i < 5; i++) {
            assertTrue(q.add("m" + i, new byte[2_000], null, false));
        }
        assertEquals(10_000, q.bytes());
        assertFalse(q.add("user", new byte[2_000], null, false), "never-sent items are not evicted for a user item");
        q.take(100_000, 1, 1, 10);
        assertTrue(q.add("user", new byte[2_000], null, false), "an item that was sent makes room");
        assertEquals(10_000, q.bytes());
        assertEquals(1, q.evicted());
        assertFalse(q.add("huge", new byte[10_001], null, true), "larger than the whole bound");
        q.clear();
        assertEquals(0, q.bytes());
    }

    @Test
    void aNearlyFullPacketLooksAtABoundedNumberOfItemsThatDoNotFit() {
        BroadcastQueue q = new BroadcastQueue(4096);
        byte[] small = new byte[5];
        q.add("small", small, null); // the oldest: last in line among unsent items
        for (int i = 0; i < BroadcastQueue.MAX_SKIPPED - 1; i++) {
            q.add("big" + i, new byte[60], null);
        }
        assertEquals(List.of(small), q.take(10, 2, 255, 10), "found behind fewer than the bound of items that do not fit");
        q.clear();
        q.add("small", small, null);
        for (int i = 0; i < 3000; i++) {
            q.add("big" + i, new byte[60], null);
        }
        assertEquals(0, q.take(10, 2, 255, 10).size(), "not searched for behind thousands of items");
        assertEquals(3001, q.size());
        assertEquals(3, q.take(200, 2, 255, 10).size(), "items that fit are taken as before");
    }

    @Test
    void largeItemsAreFoundAgainAfterTheQueueEmptied() {
        BroadcastQueue q = new BroadcastQueue(16);
        q.add("big", new byte[200], null);
        assertEquals(1, q.takeLarge(98, 1).size());
        assertEquals(0, q.size());
        q.add("small", new byte[10], null);
        assertEquals(0, q.takeLarge(98, 1).size());
        q.add("big again", new byte[300], null);
        assertEquals(1, q.takeLarge(98, 1).size());
    }

    @Test
    void amongItemsSentAsOftenTheOneThatGotThereLastGoesFirstAndTheFurthestSpreadIsEvicted() {
        BroadcastQueue q = new BroadcastQueue(4);
        byte[] a = {1};
        byte[] b = {2};
        byte[] c = {3};
        q.add("a", a, null);
        q.add("b", b, null);
        assertEquals(List.of(b, a), q.take(1000, 0, 255, 10), "unsent: newest first");
        q.add("c", c, null);
        assertEquals(List.of(c, b, a), q.take(1000, 0, 255, 10), "fewest sends first; b and a keep their order");
        assertTrue(q.heard("a", 1, 1, 10));
        assertEquals(List.of(c, b, a), q.take(1000, 0, 255, 10), "a was heard again: sent as often as c and b plus one");
        byte[] d = {4};
        byte[] e = {5};
        q.add("d", d, null);
        q.add("e", e, null);
        assertEquals(4, q.size());
        assertEquals(List.of(e, d, c, b), q.take(1000, 0, 255, 10), "a, sent four times, was evicted for e");
        assertEquals(1, q.evicted());
    }
}
