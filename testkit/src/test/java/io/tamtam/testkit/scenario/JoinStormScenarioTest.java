package io.tamtam.testkit.scenario;

import io.tamtam.DropReason;
import io.tamtam.JoinException;
import io.tamtam.Node;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A join storm through one seed, and joins that the seed does not answer at first. */
class JoinStormScenarioTest {
    /** The PUSH_PULL message kind. */
    private static final int PUSH_PULL = 0x0A;
    /** The ALIVE message kind. */
    private static final int ALIVE = 0x05;
    /** Most bytes of states a seed pushes to joiners in one task (PROTOCOL.md 13.5). */
    private static final long STORM_BYTES = 64L << 20;

    @Test
    void seedFollowsUpAJoinStormWithOneWayPushes() {
        int n = 100;
        try (SimNetwork net = SimNetwork.builder().seed(61).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, n, Duration.ofSeconds(30));
            SimNode seed = nodes.get(0);
            long joinsPushedBack = 0;
            for (SimNode node : nodes.subList(1, n)) {
                joinsPushedBack += node.cluster().stats().messagesReceived(PUSH_PULL);
            }
            // Each joiner got the answer to its join, and most a follow-up push too: the seed learned of
            // later joiners after answering the early ones.
            assertTrue(joinsPushedBack > n, "push-pulls the joiners received: " + joinsPushedBack);
            // The seed heard each join once; its follow-ups were not answered. Without one-way pushes
            // each follow-up was an exchange, and the seed got a full state back from most joiners.
            long atSeed = seed.cluster().stats().messagesReceived(PUSH_PULL);
            assertTrue(atSeed >= n - 1, "the seed heard every join: " + atSeed);
            assertTrue(atSeed < n - 1 + n / 10, "push-pulls the seed received: " + atSeed);
            Scenarios.assertNoFailures(net);
        }
    }

    @Test
    void joinersTheSeedFollowedUpMakeNoExchangesAfterTheirJoin() {
        int n = 100;
        try (SimNetwork net = SimNetwork.builder().seed(66).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, n, Duration.ofSeconds(30));
            // Past both exchanges after a join (2 and 8 probe intervals, each plus up to one of jitter).
            net.runFor(Duration.ofSeconds(6));
            long sent = 0;
            for (SimNode node : nodes.subList(1, n)) {
                sent += node.cluster().stats().messagesSent(PUSH_PULL);
            }
            // Each joiner sent its join only: a push from the seed reached every one of them (a follow-up
            // push can come before the join's reply was handled; a joiner whose answer was complete gets
            // the seed's record alone), so none exchanged whole states with a random member after it.
            assertEquals(n - 1, sent, "push-pulls the joiners sent");
            assertTrue(net.converged());
            Scenarios.assertNoFailures(net);
        }
    }

    @Test
    void aNodeThatJoinsThroughTwoSeedsStillExchangesAfterItsJoin() {
        try (SimNetwork net = SimNetwork.builder().seed(67).build()) {
            List<SimNode> seeds = Scenarios.startCluster(net, 5, Duration.ofSeconds(10));
            SimNode a = net.addNode();
            CompletableFuture<Node> join = a.cluster().join(seeds.get(0).address(), seeds.get(1).address());
            assertTrue(net.runUntil(join::isDone, Duration.ofSeconds(5)));
            net.runFor(Duration.ofSeconds(6));
            // It may know what one seed did not (the other seed's members): besides its two joins it makes
            // both exchanges after a join, though the seeds' follow-up pushes reached it.
            assertEquals(4, a.cluster().stats().messagesSent(PUSH_PULL), "push-pulls the joiner sent");
            assertTrue(net.converged());
            Scenarios.assertNoFailures(net);
        }
    }

    @Test
    void aSeedsFollowUpPushesStayWithinTheirByteBudgetPerRound() {
        // 600 nodes with 600 bytes of metadata each (a record of about 660 bytes) join in 12 waves 10 ms apart,
        // so the seed's state changes after it answered most of them. Pushing each joiner the records that
        // changed since its answer (the waves after its own) in one round would take about 100 MiB, beyond
        // the 64 MiB budget of a round.
        int n = 600;
        try (SimNetwork net = SimNetwork.builder().seed(68).build()) {
            List<SimNode> nodes = paddedNodes(net, n);
            SimNode seed = nodes.get(0);
            int[] done = {0};
            int wave = (n - 1 + 11) / 12;
            for (int from = 1; from < n; from += wave) {
                for (SimNode node : nodes.subList(from, Math.min(n, from + wave))) {
                    node.cluster().join(seed.address()).whenComplete((v, e) -> done[0]++);
                }
                net.runFor(Duration.ofMillis(10));
            }
            assertTrue(net.runUntil(() -> done[0] == n - 1, Duration.ofSeconds(30)), "joins completed: " + done[0]);
            long answered = seed.counters().bytesSent();
            long[] sent = bytesPer10Ms(net, seed, () -> false);
            long most = sent[0];
            long followUps = sent[1] - answered;
            System.out.printf("  [%d nodes] the seed sent %d MiB answering the joins, then %d MiB in 6 s, at most %d MiB "
                    + "in 10 ms, %d joiners not followed up%n", n, answered >> 20, followUps >> 20, most >> 20,
                    seed.cluster().stats().dropped(DropReason.QUEUE_FULL));
            // A round's pushes leave in one task; gossip and probes add a few KB in the same 10 ms.
            assertTrue(most <= STORM_BYTES + (1 << 20), "most bytes the seed sent in 10 ms after the joins: " + most);
            assertTrue(followUps > STORM_BYTES + (1 << 20), "the follow-ups took more than one round: " + followUps);
            assertEquals(0, seed.cluster().stats().dropped(DropReason.QUEUE_FULL), "joiners not followed up");
            assertTrue(net.runUntil(net::converged, Duration.ofSeconds(30), Duration.ofMillis(100)),
                    "membership converges after follow-ups spread over rounds");
            Scenarios.assertNoFailures(net);
        }
    }

    @Test
    void aSeedAnswersJoinsWaitingTogetherWithinTheByteBudgetOfATask() {
        // 600 nodes with 600 bytes of metadata each join at once: the seed merges the joins together and
        // its state (about 400 KB) pushed to all 599 joiners in one task would take about 230 MiB.
        int n = 600;
        try (SimNetwork net = SimNetwork.builder().seed(69).build()) {
            List<SimNode> nodes = paddedNodes(net, n);
            SimNode seed = nodes.get(0);
            int[] done = {0, 0};
            for (SimNode node : nodes.subList(1, n)) {
                node.cluster().join(seed.address()).whenComplete((v, e) -> done[e == null ? 0 : 1]++);
            }
            long[] sent = bytesPer10Ms(net, seed, () -> done[0] + done[1] == n - 1);
            long most = sent[0];
            long before = sent[1];
            System.out.printf("  [%d nodes] joins answered after %d ms, the seed sent %d MiB, at most %d MiB in 10 ms%n",
                    n, net.now().toMillis(), before >> 20, most >> 20);
            assertEquals(n - 1, done[0], "joins completed (" + done[1] + " failed)");
            assertTrue(before > 2 * STORM_BYTES, "the answers took several tasks: " + before);
            // a task of answers and a round of follow-ups can fall in the same 10 ms
            assertTrue(most <= 2 * STORM_BYTES + (1 << 20), "most bytes the seed sent in 10 ms: " + most);
            assertTrue(net.runUntil(net::converged, Duration.ofSeconds(30), Duration.ofMillis(100)));
            Scenarios.assertNoFailures(net);
        }
    }

    /** @return n nodes with 600 bytes of metadata each (a member record of about 660 bytes), the seed first */
    private static List<SimNode> paddedNodes(SimNetwork net, int n) {
        List<SimNode> nodes = net.addNodes(n, b -> b.maxMetadataBytes(700));
        String pad = "x".repeat(600);
        nodes.forEach(x -> x.cluster().setMetadata("pad", pad));
        return nodes;
    }

    /**
     * Runs the network 10 ms at a time, for at most 6 virtual seconds or until {@code done}.
     *
     * @return the most bytes {@code node} sent in one step, and all it had sent at the end
     */
    private static long[] bytesPer10Ms(SimNetwork net, SimNode node, java.util.function.BooleanSupplier done) {
        long most = 0;
        long before = node.counters().bytesSent();
        for (int step = 0; step < 600 && !done.getAsBoolean(); step++) {
            net.runFor(Duration.ofMillis(10));
            long now = node.counters().bytesSent();
            most = Math.max(most, now - before);
            before = now;
        }
        return new long[] {most, before};
    }

    @Test
    void aJoinAnsweredTogetherWithOthersCompletesOnceTheSeedsStateWasMerged() {
        int n = 80;
        try (SimNetwork net = SimNetwork.builder().seed(65).build()) {
            List<SimNode> nodes = net.addNodes(n);
            SimNode seed = nodes.get(0);
            int[] seenAtCompletion = new int[n];
            int[] done = {0};
            for (int i = 1; i < n; i++) {
                SimNode node = nodes.get(i);
                int k = i;
                node.cluster().join(seed.address()).whenComplete((v, e) -> {
                    assertEquals(null, e, "join of node " + k);
                    seenAtCompletion[k] = node.cluster().memberCount();
                    done[0]++;
                });
            }
            assertTrue(net.runUntil(() -> done[0] == n - 1, Duration.ofSeconds(30)), "joins completed: " + done[0]);
            // The seed merges the joins that reached it together, then sends the state once for all of them
            // and each its reply behind it: a join completes knowing what the seed knew then, not only the
            // seed and itself.
            int knowingMore = 0;
            for (int i = 1; i < n; i++) {
                knowingMore += seenAtCompletion[i] > 2 ? 1 : 0;
            }
            assertTrue(knowingMore >= n - 2, "joiners that knew more than the seed and themselves when their join completed: "
                    + knowingMore + " of " + (n - 1));
            Scenarios.assertNoFailures(net);
        }
    }

    @Test
    void joinNewsHeardBackFromOtherNodesIsRetiredEarly() {
        int n = 200;
        try (SimNetwork net = SimNetwork.builder().seed(64).build()) {
            List<SimNode> nodes = Scenarios.startCluster(net, n, Duration.ofSeconds(30));
            assertTrue(net.runUntil(() -> nodes.stream().allMatch(x -> x.cluster().stats().broadcastQueueItems() == 0),
                    Duration.ofSeconds(60), Duration.ofMillis(100)), "every queue of join news drains");
            long alivesSent = 0;
            for (SimNode node : nodes) {
                alivesSent += node.cluster().stats().messagesSent(ALIVE);
            }
            // Sent its full transmit limit of times (4 * ceil(log10(201)) = 12) by every node that
            // queued it, each joiner's ALIVE would go out about 12 * n times. Counting the copies a node
            // hears back retires most of them sooner (0.32 of that), and a node that hears of a new member
            // in gossip queues it without pushing it, while the seed's follow-up pushes tell every joiner
            // (0.03).
            long fullLimit = 12L * n * (n - 1);
            System.out.printf("  [%d nodes] ALIVE items sent: %d (%.2f of the full limit)%n", n, alivesSent,
                    (double) alivesSent / fullLimit);
            assertTrue(alivesSent < fullLimit / 8, "ALIVE items sent: " + alivesSent + " (full limit " + fullLimit + ")");
            assertTrue(net.converged());
            Scenarios.assertNoFailures(net);
        }
    }

    @Test
    void aJoinTheSeedDoesNotAnswerAtFirstIsTriedAgain() throws Exception {
        try (SimNetwork net = SimNetwork.builder().seed(62).build()) {
            SimNode seed = net.addNode(b -> b.joinTimeout(Duration.ofSeconds(2)));
            SimNode joiner = net.addNode(b -> b.joinTimeout(Duration.ofSeconds(2)));
            net.partitionOneWay(joiner, seed);
            CompletableFuture<Node> join = joiner.cluster().join(seed.address());
            // The first attempt times out after 2 s; the next starts a probe interval later.
            net.runFor(Duration.ofMillis(2_100));
            assertFalse(join.isDone(), "the join waits for its next attempt");
            net.heal();
            assertTrue(net.runUntil(join::isDone, Duration.ofSeconds(10)));
            assertEquals(seed.cluster().localNode().id(), join.get().id());
            assertTrue(net.runUntil(net::converged, Duration.ofSeconds(10)));
            Scenarios.assertNoFailures(net);
        }
    }

    @Test
    void aJoinFailsAfterItsLastAttempt() {
        try (SimNetwork net = SimNetwork.builder().seed(63).build()) {
            SimNode seed = net.addNode(b -> b.joinTimeout(Duration.ofSeconds(1)));
            SimNode joiner = net.addNode(b -> b.joinTimeout(Duration.ofSeconds(1)));
            net.partitionOneWay(joiner, seed);
            CompletableFuture<Node> join = joiner.cluster().join(seed.address());
            // Three attempts of 1 s, with waits of at most 0.5 s and 1 s between them.
            assertTrue(net.runUntil(join::isDone, Duration.ofSeconds(10)));
            assertTrue(net.now().toMillis() >= 3_000, "failed after three attempts, at " + net.now());
            ExecutionException e = assertThrows(ExecutionException.class, join::get);
            assertInstanceOf(JoinException.class, e.getCause());
            assertEquals(1, joiner.cluster().liveMembers().size());
            Scenarios.assertNoFailures(net);
        }
    }
}
