package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.ClusterRuntime;
import io.tamtam.MessageType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Counts the threads real nodes use (ThreadMXBean): a node owns at most two by default, and nodes on a
 * {@link ClusterRuntime} add no thread of their own, so the JVM's count does not grow with their number.
 */
class ThreadCountClusterTest {
    private static final MessageType<String> TYPE = MessageType.of(777, String.class);
    /**
     * Threads every node of the JVM shares (created on demand): event loops, decoders, timers, shared pool, and
     * Netty's {@code GlobalEventExecutor} (one thread for the whole JVM, started on demand, gone after 1 s idle).
     */
    private static final List<String> SHARED = List.of("tamtam-netty-", "tamtam-worker-", "tamtam-timer",
            "tamtam-callback-", "tamtam-rt-", "globalEventExecutor-");

    private final Nodes nodes = new Nodes();
    private ClusterRuntime runtime;

    @AfterEach
    void close() {
        nodes.close();
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void aDefaultNodeOwnsAtMostTwoThreads() {
        Set<Long> before = threadIds();
        List<Cluster> all = nodes.cluster(8, ClusterConfig.local());
        exchangeBroadcasts(all);
        List<String> created = namesExcept(before);
        // Node ids are UUIDv7 (time first): names cannot tell nodes started together apart, so count them.
        List<String> owned = created.stream().filter(name -> SHARED.stream().noneMatch(name::startsWith)
                && !name.startsWith("awaitility")).toList();
        assertTrue(owned.stream().allMatch(name -> name.startsWith("tamtam-protocol-")), "a node owns " + owned);
        assertTrue(owned.size() <= 2 * all.size(), all.size() + " nodes own " + owned.size() + " threads: " + created);
    }

    @Test
    void nodesOnARuntimeShareItsThreads() {
        runtime = ClusterRuntime.create(2, 2);
        int cores = Runtime.getRuntime().availableProcessors();
        Set<Long> before = threadIds();
        List<Cluster> all = nodes.cluster(24, ClusterConfig.local().runtime(runtime));
        exchangeBroadcasts(all);
        List<String> created = namesExcept(before);
        // the runtime's 4, the transports' event loops and the decoding pool (one per core each), the timer
        int bound = runtime.threads() + 2 * cores + 1 + 1 + 1; // Awaitility's poller, Netty's global executor
        assertTrue(created.size() <= bound, "24 nodes on a runtime of " + runtime.threads() + " threads made "
                + created.size() + " threads (at most " + bound + "): " + created);
        for (String name : created) {
            assertTrue(SHARED.stream().anyMatch(name::startsWith) || name.startsWith("awaitility"),
                    "thread " + name + " is not a shared one: " + created);
        }
    }

    @Test
    void aClosedRuntimeRefusesNewNodesAndTheConfigRefusesASchedulerWithIt() {
        runtime = ClusterRuntime.create(1, 1);
        ClusterRuntime shut = runtime;
        shut.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> Cluster.create(ClusterConfig.local().runtime(shut).build()));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        try (ClusterRuntime other = ClusterRuntime.create(1, 1)) {
            IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.local()
                    .runtime(other).scheduler(other.newScheduler((what, error) -> { })).build());
            assertTrue(both.getMessage().contains("not both"), both.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ClusterRuntime.create(0, 1));
    }

    /** Every node broadcasts once and every handler hears every broadcast: callbacks and completions run. */
    private static void exchangeBroadcasts(List<Cluster> all) {
        AtomicInteger heard = new AtomicInteger();
        for (Cluster c : all) {
            c.handle(TYPE, p -> heard.incrementAndGet());
        }
        List<java.util.concurrent.CompletableFuture<?>> sent = new ArrayList<>();
        for (Cluster c : all) {
            sent.add(c.broadcast(TYPE, "hello from " + c.localNode().id()));
        }
        int expected = all.size() * (all.size() - 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> heard.get() >= expected);
        await().atMost(Duration.ofSeconds(30)).until(() -> sent.stream().allMatch(f -> f.isDone()));
        assertEquals(expected, heard.get());
    }

    private static Set<Long> threadIds() {
        Set<Long> ids = new HashSet<>();
        for (long id : ManagementFactory.getThreadMXBean().getAllThreadIds()) {
            ids.add(id);
        }
        return ids;
    }

    private static List<String> namesExcept(Set<Long> before) {
        List<String> names = new ArrayList<>();
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().getThreadInfo(
                ManagementFactory.getThreadMXBean().getAllThreadIds())) {
            if (t != null && !before.contains(t.getThreadId())) {
                names.add(t.getThreadName());
            }
        }
        return names;
    }
}
