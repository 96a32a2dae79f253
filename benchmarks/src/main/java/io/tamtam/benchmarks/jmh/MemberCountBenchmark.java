package io.tamtam.benchmarks.jmh;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.NodeState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One poll of a converged cluster's member counts by every node: {@code nodes} loopback nodes in this
 * JVM on real sockets ({@link ClusterConfig#local()}), each asked for its ALIVE count and its count of
 * every member. {@link #memberCount} is what a poller does; {@link #liveMembersSize} is the snapshot-based
 * way it replaces. Run with {@code -prof gc} to see the allocation per poll
 * ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MemberCountBenchmark {

    @Param({"64"})
    public int nodes;

    private final List<Cluster> cluster = new ArrayList<>();

    @Setup(Level.Trial)
    public void start() throws IOException {
        ClusterConfig config = ClusterConfig.local().bindAddress(new InetSocketAddress("127.0.0.1", 0)).build();
        for (int i = 0; i < nodes; i++) {
            cluster.add(Cluster.create(config));
        }
        InetSocketAddress seed = cluster.get(0).localNode().address();
        for (int i = 1; i < nodes; i++) {
            cluster.get(i).join(seed).join();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (memberCount() != 2L * nodes * nodes) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the " + nodes + " nodes did not converge in 60 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        for (Cluster c : cluster) {
            c.close();
        }
        cluster.clear();
    }

    /** @return the ALIVE counts plus the member counts of every node */
    @Benchmark
    public long memberCount() {
        long sum = 0;
        for (int i = 0; i < cluster.size(); i++) {
            Cluster c = cluster.get(i);
            sum += c.memberCount(NodeState.ALIVE) + c.memberCount();
        }
        return sum;
    }

    /** @return the same from snapshots, as before {@code memberCount} */
    @Benchmark
    public long liveMembersSize() {
        long sum = 0;
        for (int i = 0; i < cluster.size(); i++) {
            Cluster c = cluster.get(i);
            sum += c.liveMembers().size() + c.members().size();
        }
        return sum;
    }
}
