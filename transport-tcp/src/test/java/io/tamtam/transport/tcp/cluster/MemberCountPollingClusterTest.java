package io.tamtam.transport.tcp.cluster;

import com.sun.management.ThreadMXBean;
import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.NodeState;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 64-node cluster in one JVM on real sockets, polled for its converged member counts every 10 ms by
 * every node: the polls allocate nothing per member (the count is kept per state, not built from
 * snapshots).
 */
class MemberCountPollingClusterTest {

    private static final int N = 64;
    private static final int ROUNDS = 50;
    /** Bytes a whole batch of polls may allocate on the test thread: a small constant, not per member. */
    private static final long SLACK_BYTES = 16 * 1024;

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void sixtyFourNodesPolledEveryTenMillisecondsAllocateNothingPerMember() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not report per-thread allocation");
        // Local timings, with suspicions that last long enough for a node starved of CPU by 63 others on a
        // small machine to refute them: the counts below are of a converged cluster.
        ClusterConfig.Builder config = ClusterConfig.local().suspicionMultiplier(10);
        List<Cluster> all = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            all.add(nodes.start(config));
        }
        for (int i = 1; i < N; i++) {
            Nodes.join(all.get(i), all.get(0));
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> pollAll(all) == (long) N * N * 2);
        // Warm up the polling code so that the measured batch runs compiled, as a real poller would.
        for (int i = 0; i < 2_000; i++) {
            pollAll(all);
        }
        long[] allocated = {0};
        int[] rounds = {0};
        long[] last = {0};
        await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    long counted = pollAll(all);
                    allocated[0] += threads.getCurrentThreadAllocatedBytes() - before;
                    last[0] = counted;
                    return ++rounds[0] >= ROUNDS;
                });
        // Snapshots would cost at least 16 bytes per member per poll: 64 * 64 * 50 * 16 = 3.3 MB.
        System.out.println("member count polling: " + allocated[0] + " bytes allocated by " + ROUNDS + " rounds of " + N + " polls");
        assertTrue(allocated[0] <= SLACK_BYTES, allocated[0] + " bytes allocated by " + ROUNDS + " rounds of "
                + N + " polls");
        // The counts read were a cluster's (a false suspicion under load may cost a member for a while).
        assertTrue(last[0] > (long) N * N && last[0] <= (long) N * N * 2, () -> "counted " + last[0]);

        // The effective push-pull interval scales past 32 members: N / 32 times the setting (while all N are
        // live: a false suspicion under load takes a member out of the count until it refutes).
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(
                all.get(0).config().pushPullInterval().multipliedBy(2), all.get(0).effectiveConfig().pushPullInterval()));
    }

    /** @return over every node: its count of live (alive or suspect) members plus its count of every known member */
    private static long pollAll(List<Cluster> all) {
        long sum = 0;
        for (int i = 0; i < all.size(); i++) {
            Cluster c = all.get(i);
            sum += c.memberCount(NodeState.ALIVE) + c.memberCount(NodeState.SUSPECT) + c.memberCount();
        }
        return sum;
    }
}
