package io.tamtam.internal.dissemination;

import io.tamtam.NodeState;
import io.tamtam.internal.Context;
import io.tamtam.internal.OfflineContext;
import io.tamtam.internal.failure.Awareness;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.membership.Membership;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.WireFormat;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A node ranks its live members for the broadcast tree from ids it mixed once and keeps until its member
 * table changes: its children are those of the ranking over its live members as they are at each call.
 */
class BroadcastTreeViewTest {

    @Test
    void theKeptRankingGivesTheChildrenOfTheLiveMembersAsTheTableChanges() {
        UUID self = new UUID(1, 1);
        Context ctx = OfflineContext.create(self, 3);
        Disseminator dissemination = new Disseminator(ctx);
        Membership membership = new Membership(ctx, dissemination, new Awareness(8),
                (type, node, previous, cause, source, confirmations) -> { },
                new MemberInfo(self, 0, NodeState.ALIVE, new InetSocketAddress("127.0.0.1", 7000), WireFormat.PROTOCOL_VERSION, "", Map.of()));
        SplittableRandom ids = new SplittableRandom(11);
        List<UUID> others = new ArrayList<>();
        int checked = 0;
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 40; i++) {
                UUID id = new UUID(ids.nextLong(), ids.nextLong());
                others.add(id);
                membership.onAlive(new MemberInfo(id, 0, NodeState.ALIVE, new InetSocketAddress("127.0.0.1", 8000 + others.size()),
                        WireFormat.PROTOCOL_VERSION, "", Map.of()));
            }
            if (round == 2) {
                // Members that left are no longer ranked.
                for (UUID gone : others.subList(0, 30)) {
                    membership.onDead(gone, 0, gone);
                }
            }
            for (long seq = 0; seq < 30; seq++) {
                for (UUID origin : List.of(self, others.get(others.size() - 1), others.get(5), new UUID(9, 9))) {
                    List<UUID> live = new ArrayList<>();
                    for (Member m : ctx.table().members()) {
                        if (m.isLive() && !m.id().equals(origin)) {
                            live.add(m.id());
                        }
                    }
                    List<UUID> expected = Disseminator.treeChildren(live, Function.identity(), self, origin, seq, 4);
                    List<UUID> got = new ArrayList<>();
                    for (Member m : dissemination.treeChildren(origin, seq, 4)) {
                        got.add(m.id());
                    }
                    assertEquals(new HashSet<>(expected), new HashSet<>(got), "children for origin " + origin + ", seq " + seq);
                    assertEquals(expected.size(), got.size());
                    checked += expected.isEmpty() ? 0 : 1;
                }
            }
        }
        assertFalse(checked < 100, "trees with children compared: " + checked);
    }
}
