package io.tamtam.faults;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lab of {@link #HOSTS} namespaces for each test class, and the node processes of each test, all
 * removed afterwards whatever the outcome.
 */
abstract class FaultSuiteBase {

    /** Five cluster nodes and one host for an intruder or attacker. */
    static final int HOSTS = 6;
    /** A 256-bit cluster key in hex. */
    static final String KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    static Lab lab;
    final List<NodeProc> nodes = new ArrayList<>();

    @BeforeAll
    static void createLab() {
        if (FaultSupport.canRun()) {
            lab = Lab.create(HOSTS);
        }
    }

    /** Skips each test, saying why, when this machine cannot run the suite (fails it when required). */
    @BeforeEach
    void requireLab() {
        FaultSupport.requireOrSkip();
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
            lab = null;
        }
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(NodeProc::close);
        nodes.clear();
        if (lab != null) {
            lab.heal();
        }
    }

    NodeProc start(int host, UUID id, String key, String maxHeap) throws IOException {
        NodeProc node = NodeProc.start(lab, host, id, key, maxHeap);
        nodes.add(node);
        return node;
    }

    /**
     * Starts {@code count} nodes on hosts 0..count-1 (all at once), joins them through host 0, and waits
     * until each sees all of them ALIVE.
     */
    List<NodeProc> cluster(int count, String key, Function<Integer, String> maxHeap) {
        List<CompletableFuture<NodeProc>> starting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int host = i;
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return NodeProc.start(lab, host, UUID.randomUUID(), key, maxHeap.apply(host));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<NodeProc> started = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<NodeProc> f : starting) {
            try {
                started.add(f.join());
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        nodes.addAll(started); // stopped after the test, also when another one failed to start
        if (failure != null) {
            throw failure;
        }
        for (NodeProc n : started.subList(1, count)) {
            String joined = n.command("JOIN " + started.get(0).address);
            assertTrue(joined.startsWith("OK"), () -> "host " + n.host + " join: " + joined);
        }
        awaitAllAlive(started, Duration.ofSeconds(60));
        return started;
    }

    /** Waits until every node of {@code group} sees every node of {@code group} ALIVE. */
    static void awaitAllAlive(List<NodeProc> group, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (NodeProc observer : group) {
                Map<UUID, String> view = observer.view();
                for (NodeProc n : group) {
                    assertEquals("ALIVE", view.get(n.id), () -> "host " + observer.host + " sees host " + n.host + " in " + view);
                }
            }
        });
    }

    /** Waits until each observer sees each target in {@code state}. */
    static void awaitState(List<NodeProc> observers, List<NodeProc> targets, String state, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (NodeProc observer : observers) {
                Map<UUID, String> view = observer.view();
                for (NodeProc n : targets) {
                    assertEquals(state, view.get(n.id), () -> "host " + observer.host + " sees host " + n.host + " in " + view);
                }
            }
        });
    }

    /**
     * @return milliseconds from {@code sinceMillis} until the last observer's first event of {@code type}
     *         about any of {@code targets}, or -1 when one has none
     */
    static long lastFirstEvent(List<NodeProc> observers, List<NodeProc> targets, String type, long sinceMillis) {
        long last = -1;
        for (NodeProc o : observers) {
            for (NodeProc t : targets) {
                List<NodeProc.Event> seen = o.events(type, t.id, sinceMillis);
                if (seen.isEmpty()) {
                    return -1;
                }
                last = Math.max(last, seen.get(0).epochMillis() - sinceMillis);
            }
        }
        return last;
    }

    /** @return how many events of {@code type} the observers reported about the targets since then */
    static long countEvents(List<NodeProc> observers, List<NodeProc> targets, String type, long sinceMillis) {
        long n = 0;
        for (NodeProc o : observers) {
            for (NodeProc t : targets) {
                n += o.events(type, t.id, sinceMillis).size();
            }
        }
        return n;
    }
}
