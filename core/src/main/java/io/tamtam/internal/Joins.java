package io.tamtam.internal;

import io.tamtam.JoinException;
import io.tamtam.Node;
import io.tamtam.TamTamException;
import io.tamtam.internal.membership.Member;
import io.tamtam.internal.membership.NodeSnapshot;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.sync.PushPull;
import io.tamtam.internal.sync.Rejoin;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.spi.SeedProvider;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A node's joins: through given seeds (each tried at once, the first answer wins), or through the seeds
 * its seed provider finds; when no seed answers and the node holds several keys, again with each other key
 * as the primary.
 */
final class Joins {
    private final Context ctx;
    private final Supplier<Node> self;
    private final PushPull pushPull;
    private final Rejoin rejoin;
    private final Keys keys;
    private final Completions completions;
    private final Executor callbacks;
    private final SeedProvider seedProvider;
    private final BooleanSupplier closed;

    /**
     * @param ctx          shared protocol parts
     * @param self         this node's snapshot now
     * @param pushPull     makes the join exchanges
     * @param rejoin       told when this node joined
     * @param keys         this node's keys, tried in turn as the primary
     * @param completions  completes futures off the protocol thread
     * @param callbacks    runs the seed provider
     * @param seedProvider finds seeds, or null
     * @param closed       whether the node is closed
     */
    Joins(Context ctx, Supplier<Node> self, PushPull pushPull, Rejoin rejoin, Keys keys, Completions completions,
          Executor callbacks, SeedProvider seedProvider, BooleanSupplier closed) {
        this.ctx = ctx;
        this.self = self;
        this.pushPull = pushPull;
        this.rejoin = rejoin;
        this.keys = keys;
        this.completions = completions;
        this.callbacks = callbacks;
        this.seedProvider = seedProvider;
        this.closed = closed;
    }

    /**
     * @param seeds addresses of members to join through
     * @return completes with the first seed that answered, as it described itself; fails with every seed's reason
     */
    CompletableFuture<Node> join(Collection<InetSocketAddress> seeds) {
        return joinTrying(List.copyOf(seeds), 1);
    }

    /**
     * Joins; when no seed answers and this node holds several keys, tries again with each other key as the
     * primary (a node that was down during a key rotation may hold the cluster's current key as an older one).
     */
    private CompletableFuture<Node> joinTrying(List<InetSocketAddress> seeds, int attempt) {
        return joinOnce(seeds).handle((node, err) -> {
            if (err == null) {
                return CompletableFuture.completedFuture(node);
            }
            Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
            int keyCount = keys.ciphers().size();
            if (!(cause instanceof JoinException) || closed.getAsBoolean() || keyCount < 2 || !keys.enabled()) {
                return CompletableFuture.<Node>failedFuture(cause);
            }
            if (attempt >= keyCount) {
                return CompletableFuture.<Node>failedFuture(new JoinException(cause.getMessage()
                        + " (each of this node's " + keyCount + " keys was tried as the primary key)",
                        List.of(cause.getSuppressed())));
            }
            CompletableFuture<Void> rotated = new CompletableFuture<>();
            ctx.scheduler().execute(() -> {
                keys.nextPrimary();
                rotated.complete(null);
            });
            return rotated.thenCompose(v -> joinTrying(seeds, attempt + 1));
        }).thenCompose(f -> f);
    }

    private CompletableFuture<Node> joinOnce(Collection<InetSocketAddress> seeds) {
        CompletableFuture<Node> result = new CompletableFuture<>();
        if (closed.getAsBoolean()) {
            return CompletableFuture.failedFuture(new IllegalStateException("this cluster node is closed; create a new one"));
        }
        List<InetSocketAddress> list = List.copyOf(seeds);
        if (list.isEmpty()) {
            return CompletableFuture.failedFuture(new JoinException("join needs at least one seed address", List.of()));
        }
        // A node that knew no other member and joins through one seed has nothing to tell the cluster that
        // the seed did not hear in its join; then a push from the seed spares it the exchanges after a join.
        boolean[] alone = {false};
        result.thenRun(() -> ctx.scheduler().execute(() -> {
            pushPull.afterJoin(alone[0]);
            rejoin.joined();
        }));
        ctx.scheduler().execute(() -> {
            alone[0] = list.size() == 1 && ctx.table().size() == 1;
            List<Throwable> reasons = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger left = new AtomicInteger(list.size());
            InetSocketAddress own = self.get().address();
            for (InetSocketAddress seed : list) {
                CompletableFuture<MemberInfo> attempt = seed.equals(own)
                        ? CompletableFuture.failedFuture(new TamTamException("seed " + seed + " is this node's own address"))
                        : pushPull.join(seed);
                attempt.whenComplete((info, err) -> {
                    if (err == null) {
                        Member m = ctx.table().get(info.id());
                        Node n = m != null ? m.snapshot() : new NodeSnapshot(info.id(), info.address(), info.state(),
                                info.incarnation(), info.metadata(), info.protocolVersion(), info.applicationVersion(),
                                info.addresses());
                        completions.complete(result, n);
                    } else {
                        reasons.add(new TamTamException("seed " + seed + ": " + Completions.describe(err), err));
                        if (left.decrementAndGet() == 0 && !result.isDone()) {
                            StringBuilder sb = new StringBuilder("could not join through any of ").append(list.size()).append(" seed(s):");
                            synchronized (reasons) {
                                for (Throwable t : reasons) {
                                    sb.append(' ').append(t.getMessage()).append(';');
                                }
                            }
                            completions.fail(result, new JoinException(sb.toString(), reasons));
                        }
                    }
                });
            }
        });
        return result;
    }

    /** @return as {@link #join(Collection)}, with the seeds the configured seed provider finds */
    CompletableFuture<Node> join() {
        if (seedProvider == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "no seed provider configured: call join(addresses...) or set ClusterConfig.Builder.seedProvider(...)"));
        }
        // Even when this first attempt fails (the first node of a cluster finds only itself), the rejoin
        // loop keeps re-resolving the seeds while this node is alone.
        ctx.scheduler().execute(rejoin::joined);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return seedProvider.seeds();
            } catch (IOException e) {
                throw new JoinException("seed discovery failed: " + e.getMessage(), List.of(e));
            }
        }, callbacks).thenCompose(this::join);
    }
}
