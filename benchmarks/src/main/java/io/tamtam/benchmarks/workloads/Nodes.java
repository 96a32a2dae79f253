package io.tamtam.benchmarks.workloads;

import io.tamtam.Cluster;
import io.tamtam.NodeState;
import io.tamtam.ClusterConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/** Starts, joins and closes groups of loopback nodes with the LAN preset's timings. */
final class Nodes {
    private Nodes() {
    }

    /** @return the LAN preset bound to 127.0.0.1 port 0 */
    static ClusterConfig config() {
        return config(UnaryOperator.identity());
    }

    /**
     * @param tune changes to the LAN preset, such as encryption keys
     * @return the LAN preset bound to 127.0.0.1 port 0, tuned
     */
    static ClusterConfig config(UnaryOperator<ClusterConfig.Builder> tune) {
        return tune.apply(ClusterConfig.lan()).bindAddress(new InetSocketAddress("127.0.0.1", 0)).build();
    }

    /**
     * @param n how many nodes
     * @return the started, unjoined nodes
     */
    static List<Cluster> start(int n) {
        return start(n, UnaryOperator.identity());
    }

    /**
     * @param n    how many nodes
     * @param tune changes to the LAN preset
     * @return the started, unjoined nodes
     */
    static List<Cluster> start(int n, UnaryOperator<ClusterConfig.Builder> tune) {
        List<Cluster> nodes = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                nodes.add(Cluster.create(config(tune)));
            }
        } catch (IOException e) {
            closeAll(nodes);
            throw new UncheckedIOException("cannot bind a loopback node; free some ports or lower N", e);
        }
        return nodes;
    }

    /**
     * Makes every node but the first join the first, all at once.
     *
     * @param nodes the nodes
     * @return the join futures
     */
    static List<CompletableFuture<?>> joinAll(List<Cluster> nodes) {
        InetSocketAddress seed = nodes.get(0).localNode().address();
        List<CompletableFuture<?>> joins = new ArrayList<>();
        for (int i = 1; i < nodes.size(); i++) {
            joins.add(nodes.get(i).join(seed));
        }
        return joins;
    }

    /**
     * Polls every few milliseconds until every node sees all nodes alive, logging progress every
     * {@code PROGRESS_MS} (5,000 unless set).
     *
     * @param nodes   the nodes
     * @param timeout the longest wait
     * @return the nanoTime at which convergence was seen
     * @throws TimeoutException when not converged in time
     */
    static long awaitConverged(List<Cluster> nodes, Duration timeout) throws TimeoutException {
        int n = nodes.size();
        long deadline = System.nanoTime() + timeout.toNanos();
        int from = 0;
        long every = Long.parseLong(System.getenv().getOrDefault("PROGRESS_MS", "5000")) * 1_000_000L;
        long t0 = System.nanoTime();
        long nextReport = t0 + every;
        while (true) {
            while (from < n && live(nodes.get(from)) == n) {
                from++;
            }
            if (from == n) {
                // Re-check all once: a node may have lost a member after being counted.
                boolean all = true;
                for (Cluster c : nodes) {
                    if (live(c) != n) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    return System.nanoTime();
                }
                from = 0;
            }
            if (System.nanoTime() > deadline) {
                int min = Integer.MAX_VALUE;
                for (Cluster c : nodes) {
                    min = Math.min(min, live(c));
                }
                throw new TimeoutException(n + " nodes not converged within " + timeout
                        + "; the node seeing the fewest sees " + min + " alive");
            }
            if (System.nanoTime() > nextReport) {
                nextReport += every;
                Results.log((System.nanoTime() - t0) / 1_000_000 + " ms: " + progress(nodes));
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /**
     * @param c a node
     * @return the members it sees alive or suspect, itself included, from its per-state counts (listing
     *         them, 1,000 snapshots per call, took 8% of the CPU while W6's nodes joined)
     */
    private static int live(Cluster c) {
        return c.memberCount(NodeState.ALIVE, NodeState.SUSPECT);
    }

    /** @return how far the nodes are from convergence, for a log line */
    private static String progress(List<Cluster> nodes) {
        int n = nodes.size();
        int min = Integer.MAX_VALUE;
        int alone = 0;
        int all = 0;
        for (Cluster c : nodes) {
            int live = live(c);
            min = Math.min(min, live);
            alone += live == 1 ? 1 : 0;
            all += live == n ? 1 : 0;
        }
        return "not converged yet: " + all + " of " + n + " nodes see all alive, the fewest seen is " + min
                + ", " + alone + " nodes see only themselves";
    }

    /**
     * Starts n nodes, joins them and waits for convergence.
     *
     * @param n how many nodes
     * @return the converged nodes
     * @throws TimeoutException when not converged within a minute
     */
    static List<Cluster> converged(int n) throws TimeoutException {
        return converged(n, UnaryOperator.identity());
    }

    /**
     * Starts n nodes with a tuned LAN preset, joins them and waits for convergence.
     *
     * @param n    how many nodes
     * @param tune changes to the LAN preset
     * @return the converged nodes
     * @throws TimeoutException when not converged within a minute
     */
    static List<Cluster> converged(int n, UnaryOperator<ClusterConfig.Builder> tune) throws TimeoutException {
        List<Cluster> nodes = start(n, tune);
        try {
            joinAll(nodes);
            awaitConverged(nodes, Duration.ofSeconds(60));
            return nodes;
        } catch (TimeoutException | RuntimeException e) {
            closeAll(nodes);
            throw e;
        }
    }

    /** @param nodes closes each node, in parallel */
    static void closeAll(List<Cluster> nodes) {
        nodes.parallelStream().forEach(Cluster::close);
    }
}
