package io.tamtam.internal;

import io.tamtam.ClusterConfig;
import io.tamtam.internal.membership.MemberTable;
import io.tamtam.internal.peer.Peers;
import io.tamtam.internal.runtime.TestSchedulers;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.spi.NanoClock;

import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/** A node's shared parts over a network that carries nothing, tasks run inline and timers never: for unit tests. */
public final class OfflineContext {
    private OfflineContext() {
    }

    /**
     * @param self the node's id
     * @param seed its random source's seed
     * @return its context, with the local preset, an empty member table and fresh stats
     */
    public static Context create(UUID self, long seed) {
        ClusterConfig config = ClusterConfig.local().build();
        NanoClock clock = System::nanoTime;
        SplittableRandom random = new SplittableRandom(seed);
        Stats stats = new Stats();
        CountingNetwork net = new CountingNetwork();
        Peers peers = new Peers(Runnable::run, null, id -> false, a -> null);
        PacketCodec codec = new PacketCodec(self, null, Integer.MAX_VALUE, List.of(), config.maxFrameSize());
        Outbox outbox = new Outbox(codec, net, net, stats, 1400, 1 << 20, clock, peers, 0);
        return new Context(config, self, clock, TestSchedulers.INLINE_NO_TIMERS, random, new MemberTable(random, clock), outbox, stats);
    }
}
