package io.tamtam.internal.membership;

import io.tamtam.DropReason;
import io.tamtam.NodeState;
import io.tamtam.internal.Context;
import io.tamtam.internal.OfflineContext;
import io.tamtam.internal.Stats;
import io.tamtam.internal.dissemination.Disseminator;
import io.tamtam.internal.failure.Awareness;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.WireFormat;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The member table's indexes and counts: ALIVE claims for new nodes, which anyone can send without keys,
 * cannot grow it without bound; the address index, counts per state and the live members follow every
 * change.
 */
class MemberTableTest {
    /** A node's membership over a network that carries nothing. */
    private record Node(Context ctx, Membership membership, Stats stats) {
        static Node start(UUID self, long seed) {
            Context ctx = OfflineContext.create(self, seed);
            Stats stats = ctx.stats();
            Membership membership = new Membership(ctx, new Disseminator(ctx), new Awareness(8),
                    (type, node, previous, cause, source, confirmations) -> { },
                    new MemberInfo(self, 0, NodeState.ALIVE, new InetSocketAddress("127.0.0.1", 7000), WireFormat.PROTOCOL_VERSION, "", Map.of()));
            return new Node(ctx, membership, stats);
        }
    }

    @Test
    void aliveClaimsBeyondTheBoundAreDroppedAndCounted() {
        Node node = Node.start(UUID.randomUUID(), 1);
        Context ctx = node.ctx();
        Membership membership = node.membership();
        Stats stats = node.stats();
        int extra = 10;
        for (int i = 0; i < Membership.MAX_MEMBERS + extra; i++) {
            membership.onAlive(new MemberInfo(new UUID(7, i), 0, NodeState.ALIVE, new InetSocketAddress("127.0.0.1", 1 + i % 60000),
                    WireFormat.PROTOCOL_VERSION, "", Map.of()));
        }
        assertEquals(Membership.MAX_MEMBERS, ctx.table().size());
        assertEquals(extra + 1, stats.dropped(DropReason.QUEUE_FULL), "the table holds this node too");
    }

    @Test
    void recordsWithMoreMetadataThanAnyNodeMayHaveAreDroppedAndCounted() {
        Node node = Node.start(UUID.randomUUID(), 3);
        Membership membership = node.membership();
        int ceiling = node.ctx().config().maxDatagramSize() / 2;
        // one entry: count (1) + str8 key "k" (2) + str16 value (2 + length)
        String fits = "v".repeat(ceiling - 5);
        String over = "v".repeat(ceiling - 4);
        UUID a = new UUID(9, 1);
        UUID b = new UUID(9, 2);
        membership.onAlive(new MemberInfo(a, 0, NodeState.ALIVE, new InetSocketAddress("127.0.0.1", 7001),
                WireFormat.PROTOCOL_VERSION, "", Map.of("k", fits)));
        membership.merge(List.of(new MemberInfo(b, 0, NodeState.ALIVE, new InetSocketAddress("127.0.0.1", 7002),
                WireFormat.PROTOCOL_VERSION, "", Map.of("k", over))), b);
        assertEquals(fits, node.ctx().table().get(a).snapshot().metadata().get("k"));
        assertNull(node.ctx().table().get(b));
        // a known member's newer incarnation with too much metadata is dropped too: the old record stays
        membership.onAlive(new MemberInfo(a, 1, NodeState.ALIVE, new InetSocketAddress("127.0.0.1", 7001),
                WireFormat.PROTOCOL_VERSION, "", Map.of("k", over)));
        assertEquals(0, node.ctx().table().get(a).snapshot().incarnation());
        assertEquals(2, node.stats().dropped(DropReason.OVERSIZED));
    }

    @Test
    void aMemberThatMovesIsFoundAtItsNewAddressOnlyAndCountedByItsState() {
        UUID self = UUID.randomUUID();
        Node node = Node.start(self, 2);
        MemberTable table = node.ctx().table();
        Membership membership = node.membership();
        UUID other = new UUID(9, 1);
        InetSocketAddress first = new InetSocketAddress("127.0.0.1", 7001);
        InetSocketAddress second = new InetSocketAddress("127.0.0.1", 7002);
        membership.onAlive(new MemberInfo(other, 0, NodeState.ALIVE, first, WireFormat.PROTOCOL_VERSION, "", Map.of()));
        assertEquals(other, table.at(first).id());
        assertEquals(self, table.at(new InetSocketAddress("127.0.0.1", 7000)).id());
        membership.onAlive(new MemberInfo(other, 1, NodeState.ALIVE, second, WireFormat.PROTOCOL_VERSION, "", Map.of()));
        assertNull(table.at(first));
        assertSame(table.get(other), table.at(second));
        assertEquals(2, table.count(NodeState.ALIVE));
        membership.onSuspect(other, 1, self);
        assertEquals(1, table.count(NodeState.ALIVE));
        assertEquals(1, table.count(NodeState.SUSPECT));
        assertEquals(NodeState.SUSPECT, table.at(second).state());
        assertEquals(2, table.members().size());
    }

    @Test
    void theLiveMembersBuiltOnFirstUseFollowEveryChangeOfState() {
        UUID self = UUID.randomUUID();
        Node node = Node.start(self, 3);
        MemberTable table = node.ctx().table();
        Membership membership = node.membership();
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        long[] incarnation = new long[40];
        for (int step = 0; step < 2_000; step++) {
            int i = r.nextInt(incarnation.length);
            UUID id = new UUID(11, i);
            switch (r.nextInt(4)) {
                case 0 -> membership.onAlive(new MemberInfo(id, ++incarnation[i], NodeState.ALIVE,
                        new InetSocketAddress("127.0.0.1", 8000 + i), WireFormat.PROTOCOL_VERSION, "", Map.of()));
                case 1 -> membership.onSuspect(id, incarnation[i], self);
                case 2 -> membership.onDead(id, incarnation[i], self);
                default -> membership.onDead(id, incarnation[i], id);
            }
            if (step < 1_000) {
                continue; // the live members are built on first use, from the table as it is then
            }
            java.util.Set<Long> expected = new java.util.HashSet<>();
            for (Member m : table.members()) {
                if (m.isLive()) {
                    expected.add(LiveMembers.key(m.id()));
                }
            }
            LiveMembers live = table.live();
            java.util.Set<Long> actual = new java.util.HashSet<>();
            for (int k = 0; k < live.size(); k++) {
                actual.add(live.keys()[k]);
                assertEquals(live.keys()[k], LiveMembers.key(live.member(k).id()), "a key belongs to its member");
            }
            assertEquals(expected, actual, "after step " + step);
            assertEquals(live.size(), table.liveCount(), "after step " + step);
            assertEquals(table.liveCount(), table.count(NodeState.ALIVE) + table.count(NodeState.SUSPECT));
        }
        long versionBefore = table.version();
        membership.leave(() -> { });
        assertEquals(table.liveCount(), table.live().size());
        assertEquals(-1, indexOf(table.live(), self), "a leaving node is not live");
        assertEquals(true, table.version() > versionBefore, "leaving changed the table's version");
    }

    private static int indexOf(LiveMembers live, UUID id) {
        for (int k = 0; k < live.size(); k++) {
            if (live.member(k).id().equals(id)) {
                return k;
            }
        }
        return -1;
    }
}
