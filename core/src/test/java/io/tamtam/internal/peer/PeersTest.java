package io.tamtam.internal.peer;

import io.tamtam.internal.messaging.InOrder;
import io.tamtam.internal.runtime.ByteBudget;
import io.tamtam.internal.runtime.TestSchedulers;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class PeersTest {

    private final ByteBudget budget = new ByteBudget(1 << 20, 1000);
    private final InOrder inOrder = new InOrder(TestSchedulers.INLINE_NO_TIMERS, 1, budget);
    private final Peers peers = new Peers(Runnable::run, inOrder);

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
        peers.joined(id, at);
        assertSame(before, peers.member(id));
        assertSame(before, peers.at(at));
        assertEquals(0, peers.strangerSessions());
        peers.removed(id, at);
        assertNull(peers.member(id));
        assertNull(peers.at(at));
        assertEquals(0, peers.memberSessions());
    }

    @Test
    void aMemberThatMovedLeavesNoAddressBehindWhenRemoved() {
        UUID id = UUID.randomUUID();
        InetSocketAddress first = new InetSocketAddress("127.0.0.1", 7001);
        InetSocketAddress second = new InetSocketAddress("127.0.0.1", 7002);
        peers.joined(id, first);
        peers.joined(id, second);
        assertSame(peers.at(first), peers.at(second));
        peers.removed(id, second);
        assertNull(peers.at(first));
        assertNull(peers.at(second));
    }
}
