package io.tamtam.internal.membership;

import io.tamtam.NodeState;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemberIndexTest {

    private static Member member(long n, int port) {
        return new Member(new NodeSnapshot(new UUID(42, n), new InetSocketAddress("127.0.0.1", port), NodeState.ALIVE,
                0, Map.of(), 1, ""), 0);
    }

    @Test
    void agreesWithAHashMapThroughAddsRemovesAndRebuilds() {
        MemberIndex<UUID> index = new MemberIndex<>(Member::id);
        Map<UUID, Member> model = new HashMap<>();
        List<Member> pool = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            pool.add(member(i, 1 + i));
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int step = 0; step < 60_000; step++) {
            Member m = pool.get(random.nextInt(pool.size()));
            // grow for the first half, shrink (tombstones, then rebuilds to a smaller array) for the second
            boolean add = random.nextInt(100) < (step < 30_000 ? 70 : 30);
            if (add) {
                assertSame(model.put(m.id(), m), index.put(m));
            } else {
                assertEquals(model.remove(m.id()) != null, index.remove(m, m.id()));
            }
            if (step % 997 == 0) {
                assertEquals(model.size(), index.size());
                for (Member p : pool) {
                    assertSame(model.get(p.id()), index.get(p.id()));
                }
                assertEquals(new HashSet<>(model.values()), new HashSet<>(index.view()));
            }
        }
        assertEquals(model.size(), index.view().size());
    }

    @Test
    void aKeyPutAgainReplacesTheMemberThatHadItAndRemovalIsByIdentity() {
        MemberIndex<InetSocketAddress> byAddress = new MemberIndex<>(m -> m.snapshot().address());
        Member old = member(1, 7000);
        Member newer = member(2, 7000);
        byAddress.put(old);
        assertSame(old, byAddress.put(newer));
        assertSame(newer, byAddress.get(new InetSocketAddress("127.0.0.1", 7000)));
        assertFalse(byAddress.remove(old, old.snapshot().address()), "the displaced member is not there");
        assertSame(newer, byAddress.get(new InetSocketAddress("127.0.0.1", 7000)));
        assertTrue(byAddress.remove(newer, newer.snapshot().address()));
        assertNull(byAddress.get(new InetSocketAddress("127.0.0.1", 7000)));
        assertEquals(0, byAddress.size());
    }

    @Test
    void aReaderNeverMissesAMemberThatStaysWhileTheWriterChurnsAndRebuilds() throws Exception {
        MemberIndex<UUID> index = new MemberIndex<>(Member::id);
        List<Member> stable = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Member m = member(i, 1 + i);
            stable.add(m);
            index.put(m);
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong lookups = new AtomicLong();
        AtomicReference<String> missed = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!done.get() && missed.get() == null && System.nanoTime() < deadline) {
                for (Member m : stable) {
                    if (index.get(m.id()) != m) {
                        missed.set("missed " + m.id() + " after " + lookups.get() + " lookups");
                        return;
                    }
                    lookups.incrementAndGet();
                }
                int seen = 0;
                for (Member m : index.view()) {
                    if (m.id().getMostSignificantBits() == 42 && m.id().getLeastSignificantBits() < 200) {
                        seen++;
                    }
                }
                if (seen != stable.size()) {
                    missed.set("iteration saw " + seen + " of " + stable.size() + " stable members");
                    return;
                }
            }
        }, "member-index-reader");
        reader.start();
        try {
            // churn: add and remove up to 5,000 other members, growing and shrinking the array many times
            List<Member> churn = new ArrayList<>();
            for (int round = 0; round < 40 && missed.get() == null; round++) {
                for (int i = 0; i < 5000; i++) {
                    Member m = member(1000 + round * 5000L + i, 20_000 + i);
                    churn.add(m);
                    index.put(m);
                }
                for (Member m : churn) {
                    index.remove(m, m.id());
                }
                churn.clear();
            }
        } finally {
            done.set(true);
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertNull(missed.get());
        assertTrue(lookups.get() > 0, "the reader ran");
        assertEquals(stable.size(), index.size());
    }

    @Test
    void nodesThatSeeAMemberTheSameWayShareOneSnapshot() {
        UUID id = UUID.randomUUID();
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", 7100);
        Member a = new Member(new NodeSnapshot(id, at, NodeState.ALIVE, 3, Map.of("k", "v"), 1, "a"), 0);
        Member b = new Member(new NodeSnapshot(id, new InetSocketAddress("127.0.0.1", 7100), NodeState.ALIVE, 3,
                Map.of("k", "v"), 1, "a"), 0);
        assertSame(a.snapshot(), b.snapshot());
        Member suspect = new Member(new NodeSnapshot(id, at, NodeState.SUSPECT, 3, Map.of("k", "v"), 1, "a"), 0);
        assertNotSame(a.snapshot(), suspect.snapshot());
        assertEquals(NodeState.SUSPECT, suspect.state());
        assertEquals(NodeState.ALIVE, a.state(), "sharing never changes what a node sees");
        Member other = new Member(new NodeSnapshot(id, at, NodeState.ALIVE, 3, Map.of("k", "w"), 1, "a"), 0);
        assertEquals(Map.of("k", "w"), other.snapshot().metadata());
        Set<NodeSnapshot> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        distinct.add(a.snapshot());
        distinct.add(suspect.snapshot());
        distinct.add(other.snapshot());
        assertEquals(3, distinct.size());
    }
}
