package io.tamtam.examples;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;
import io.tamtam.Subscription;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/**
 * A real cluster of five nodes on loopback in one JVM, narrated with timestamps: joins and convergence,
 * a metadata update, a broadcast, a crashed node detected as SUSPECT then DEAD, and a graceful leave
 * seen as LEFT. Finishes in a few seconds.
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=Demo
 * </pre>
 */
public final class Demo {

    /** The message type of the demo's broadcast. */
    static final MessageType<Announcement> ANNOUNCEMENT = MessageType.of(1001, Announcement.class);

    /** How long any one step may take before the demo gives up. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    /**
     * The demo's broadcast payload.
     *
     * @param text what is announced
     */
    public record Announcement(String text) {
    }

    private final PrintStream out;
    private final long start = System.nanoTime();
    private final List<Cluster> nodes = new ArrayList<>();
    private final Map<UUID, String> names = new ConcurrentHashMap<>();
    private final Set<UUID> announcementReceivers = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> allReceived = new CompletableFuture<>();

    private Demo(PrintStream out) {
        this.out = out;
    }

    /**
     * Entry point.
     *
     * @param args ignored
     * @throws Exception when a step fails or times out
     */
    public static void main(String[] args) throws Exception {
        run(5, System.out);
    }

    /**
     * Runs the demo.
     *
     * @param size how many nodes, at least 3
     * @param out  where the narration goes
     * @throws Exception when a step fails or times out
     */
    public static void run(int size, PrintStream out) throws Exception {
        if (size < 3) {
            throw new IllegalArgumentException("the demo needs at least 3 nodes to crash one and leave with another");
        }
        Demo demo = new Demo(out);
        try {
            demo.steps(size);
        } finally {
            demo.nodes.forEach(Cluster::close);
        }
    }

    private void steps(int size) throws Exception {
        ClusterConfig config = ClusterConfig.local().build();
        for (int i = 1; i <= size; i++) {
            Cluster node = Cluster.create(config);
            names.put(node.localNode().id(), "node-" + i);
            nodes.add(node);
            node.handle(ANNOUNCEMENT, p -> {
                say(name(node) + " received '" + p.payload().text() + "' from " + names.get(p.sender().id()));
                if (announcementReceivers.add(node.localNode().id()) && announcementReceivers.size() == size - 1) {
                    allReceived.complete(null);
                }
            });
            say(name(node) + " started on " + Args.format(node.localNode().address()));
        }

        // Joins and convergence: every node sees every other one alive.
        Cluster first = nodes.get(0);
        CompletableFuture<Void> converged = seenByAll(nodes, (node, e) -> node.liveMembers().size() == size);
        for (Cluster node : nodes.subList(1, size)) {
            long t = System.nanoTime();
            node.join(first.localNode().address()).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            say(name(node) + " joined through " + name(first) + " in " + millis(t) + " ms");
        }
        long t = System.nanoTime();
        converged.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        say("converged: every node sees " + size + " alive members (" + millis(t) + " ms after the last join)");

        // Metadata: one node announces a role; the others learn it from the gossip.
        Cluster tagged = nodes.get(1);
        UUID taggedId = tagged.localNode().id();
        CompletableFuture<Void> updated = seenByAll(others(tagged), (node, e) ->
                e.type() == MembershipEvent.Type.UPDATED && e.node().id().equals(taggedId)
                        && "cache".equals(e.node().metadata().get("role")));
        t = System.nanoTime();
        tagged.setMetadata("role", "cache");
        updated.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        say("metadata role=cache of " + name(tagged) + " seen by all " + (size - 1) + " others in " + millis(t) + " ms");

        // A broadcast reaches every node.
        t = System.nanoTime();
        first.broadcast(ANNOUNCEMENT, new Announcement("hello from " + name(first)))
                .get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        allReceived.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        say("broadcast from " + name(first) + " received by all " + (size - 1) + " others in " + millis(t) + " ms");

        // A crash: close without leaving. The others suspect it, then declare it DEAD.
        Cluster crashed = nodes.get(size - 1);
        UUID crashedId = crashed.localNode().id();
        List<Cluster> survivors = others(crashed);
        CompletableFuture<Void> suspected = seenByAny(survivors, (node, e) ->
                e.type() == MembershipEvent.Type.SUSPECT && e.node().id().equals(crashedId));
        CompletableFuture<Void> dead = seenByAll(survivors, (node, e) ->
                e.type() == MembershipEvent.Type.DEAD && e.node().id().equals(crashedId));
        t = System.nanoTime();
        say(name(crashed) + " crashes (closed without leaving)");
        crashed.close();
        suspected.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        say(name(crashed) + " SUSPECT after " + millis(t) + " ms");
        dead.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        say(name(crashed) + " DEAD at all " + survivors.size() + " survivors after " + millis(t) + " ms");

        // A graceful leave: the others see LEFT, not DEAD.
        Cluster leaving = nodes.get(size - 2);
        UUID leavingId = leaving.localNode().id();
        List<Cluster> remaining = new ArrayList<>(survivors);
        remaining.remove(leaving);
        CompletableFuture<Void> left = seenByAll(remaining, (node, e) ->
                e.type() == MembershipEvent.Type.LEFT && e.node().id().equals(leavingId));
        t = System.nanoTime();
        say(name(leaving) + " leaves gracefully");
        leaving.leave(Duration.ofSeconds(2)).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        leaving.close();
        left.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        say(name(leaving) + " LEFT seen by all " + remaining.size() + " remaining nodes after " + millis(t) + " ms");

        for (Cluster node : remaining) {
            node.leave(Duration.ofSeconds(1)).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            node.close();
        }
        say("done: all nodes closed");
    }

    /**
     * Completes when every observer has seen an event matching {@code test}, then removes the
     * listeners; prints the matching events other than JOINED and UPDATED.
     */
    private CompletableFuture<Void> seenByAll(List<Cluster> observers, BiPredicate<Cluster, MembershipEvent> test) {
        return watch(observers, test, observers.size());
    }

    /** As {@link #seenByAll} but completes when any one observer has. */
    private CompletableFuture<Void> seenByAny(List<Cluster> observers, BiPredicate<Cluster, MembershipEvent> test) {
        return watch(observers, test, 1);
    }

    private CompletableFuture<Void> watch(List<Cluster> observers, BiPredicate<Cluster, MembershipEvent> test,
                                          int needed) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Set<Cluster> satisfied = ConcurrentHashMap.newKeySet();
        Map<Cluster, Subscription> subscriptions = new HashMap<>();
        for (Cluster observer : observers) {
            subscriptions.put(observer, observer.addMembershipListener(e -> {
                if (test.test(observer, e)) {
                    if (e.type() != MembershipEvent.Type.UPDATED && e.type() != MembershipEvent.Type.JOINED) {
                        say(name(observer) + " sees " + names.get(e.node().id()) + " " + e.type());
                    }
                    satisfied.add(observer);
                    if (satisfied.size() >= needed) {
                        done.complete(null);
                    }
                }
            }));
        }
        done.whenComplete((v, x) -> subscriptions.values().forEach(Subscription::close));
        return done;
    }

    private List<Cluster> others(Cluster node) {
        List<Cluster> others = new ArrayList<>(nodes);
        others.remove(node);
        return others;
    }

    private String name(Cluster node) {
        return names.get(node.localNode().id());
    }

    private static long millis(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    private void say(String line) {
        synchronized (out) {
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("[%6.3f s] %s%n", seconds, line);
        }
    }
}
