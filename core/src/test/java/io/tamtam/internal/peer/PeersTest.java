package io.tamtam.internal.peer;

import io.tamtam.internal.messaging.InOrder;
import io.tamtam.internal.runtime.ByteBudget;
import io.tamtam.internal.runtime.TestSchedulers;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeersTest {

    private final ByteBudget budget = new ByteBudget(1 << 20, 1000);
    private final InOrder inOrder = new InOrder(TestSchedulers.INLINE_NO_TIMERS, 1, budget);
    /** The member table, as the sessions see it. */
    private final Map<UUID, InetSocketAddress> table = new HashMap<>();
    private final Peers peers = new Peers(Runnable::run, inOrder, table::containsKey, a -> table.entrySet().stream()
            .filter(e -> e.getValue().equals(a)).map(Map.Entry::getKey).findFirst().orElse(null));

    private void join(UUID id, InetSocketAddress at) {
        table.put(id, at);
        peers.joined(id, at);
    }

    private void remove(UUID id) {
        InetSocketAddress at = table.remove(id);
        peers.removed(id, at);
    }

    @Test
    void sendersThatAreNotMembersShareABoundedPoolAndTheOldestIsEvicted() {
        UUID first = UUID.randomUUID();
        Peer firstSession = peers.sender(first);
        for (int i = 0; i < Peers.MAX_STRANGERS + 10; i++) {
            peers.sender(UUID.randomUUID());
        }
        assertEquals(Peers.MAX_STRANGERS, peers.strangerSessions());
        assertEquals(11, peers.evicted());
        assertNotSame(firstSession, peers.sender(first), "the least recently used session went first");
    }

    @Test
    void evictingAStrangerHandsOnWhatItHeldAndFreesItsBytes() {
        UUID stranger = UUID.randomUUID();
        List<Long> delivered = new ArrayList<>();
        Peer p = peers.sender(stranger);
        inOrder.accept(p.inbound(), 1, 2, 1000, () -> delivered.add(2L));
        assertEquals(1000 + ByteBudget.OVERHEAD_BYTES, budget.bytes());
        for (int i = 0; i < Peers.MAX_STRANGERS; i++) {
            peers.sender(UUID.randomUUID());
        }
        assertEquals(List.of(2L), delivered);
        assertEquals(0, budget.bytes());
    }

    @Test
    void aMemberKeepsItsStrangerSessionAndLosesItWhenRemoved() {
        UUID id = UUID.randomUUID();
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", 7000);
        Peer before = peers.sender(id);
        join(id, at);
        assertSame(before, peers.member(id));
        assertSame(before, peers.at(at));
        assertEquals(0, peers.strangerSessions());
        remove(id);
        assertNull(peers.member(id));
        assertNull(peers.at(at));
        assertEquals(0, peers.memberSessions());
        assertTrue(peers.wasRemoved(id));
    }

    @Test
    void aMemberGetsASessionOnlyWhenAMessageGoesToOrComesFromIt() {
        InetSocketAddress[] at = new InetSocketAddress[3];
        UUID[] ids = new UUID[3];
        for (int i = 0; i < 3; i++) {
            ids[i] = UUID.randomUUID();
            at[i] = new InetSocketAddress("127.0.0.1", 7001 + i);
            join(ids[i], at[i]);
        }
        assertEquals(0, peers.memberSessions(), "known members cost no session");
        assertNull(peers.existing(ids[0]));
        Peer byAddress = peers.at(at[0]);
        assertSame(byAddress, peers.member(ids[0]));
        assertSame(byAddress, peers.existing(ids[0]));
        Peer sender = peers.sender(ids[1]);
        assertSame(sender, peers.member(ids[1]));
        assertEquals(2, peers.memberSessions());
        assertEquals(0, peers.strangerSessions());
        assertNull(peers.existing(ids[2]));
        assertNull(peers.at(new InetSocketAddress("127.0.0.1", 7999)), "no member there");
    }

    @Test
    void aMemberThatRejoinsAfterRemovalGetsAFreshSession() {
        UUID id = UUID.randomUUID();
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", 7004);
        join(id, at);
        Peer first = peers.member(id);
        remove(id);
        join(id, at);
        assertFalse(peers.wasRemoved(id));
        Peer second = peers.member(id);
        assertNotSame(first, second);
        assertSame(second, peers.at(at));
    }
}
