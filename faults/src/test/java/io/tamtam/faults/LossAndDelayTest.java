package io.tamtam.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Five node processes, each losing 10% of the packets it sends (so 19% of round trips fail) and
 * delaying each by 10–40 ms (so packets are reordered), for at least {@link #SOAK}.
 */
class LossAndDelayTest extends FaultSuiteBase {

    private static final double LOSS = 0.10;
    private static final int DELAY_MS = 10;
    private static final int JITTER_MS = 30;
    private static final Duration SOAK = Duration.ofSeconds(30);
    private static final int BROADCASTS_PER_NODE = 20;
    private static final int RELIABLE_PER_NODE = 200;

    @Test
    @Timeout(240)
    void noFalseDeadAndEveryMessageArrivesExactlyOnce() throws Exception {
        List<NodeProc> all = cluster(5, KEY, host -> "192m");
        // warm up the messaging paths first, so that the impaired window measures loss and delay rather
        // than five JVMs compiling code at once on a small machine
        for (int i = 0; i < all.size(); i++) {
            NodeProc to = all.get((i + 1) % all.size());
            all.get(i).command("BCAST warm 5");
            String warm = all.get(i).command("RELIABLE " + to.id + " warm 50", Duration.ofSeconds(60));
            assertTrue(warm.startsWith("50 0 "), "warm-up sends: " + warm);
        }
        long impairedAt = System.currentTimeMillis();
        for (NodeProc n : all) {
            lab.impair(n.host, LOSS, DELAY_MS, JITTER_MS);
        }

        // each node broadcasts, and sends reliable messages to the next node, all at once
        List<CompletableFuture<String>> sending = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            NodeProc from = all.get(i);
            NodeProc to = all.get((i + 1) % all.size());
            sending.add(CompletableFuture.supplyAsync(() -> from.command("BCAST loss " + BROADCASTS_PER_NODE, Duration.ofSeconds(60))));
            sending.add(CompletableFuture.supplyAsync(() -> from.command("RELIABLE " + to.id + " loss " + RELIABLE_PER_NODE, Duration.ofSeconds(120))));
        }
        List<String> sendReplies = new ArrayList<>();
        for (CompletableFuture<String> f : sending) {
            sendReplies.add(f.join());
        }
        for (int i = 1; i < sendReplies.size(); i += 2) {
            String r = sendReplies.get(i);
            assertTrue(r.startsWith(RELIABLE_PER_NODE + " 0 "), "every sendReliable completed: " + r);
        }

        // every node gets every other node's broadcasts
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (NodeProc n : all) {
                long fromOthers = n.received("B", "loss").stream().filter(p -> !p.contains(n.id.toString())).count();
                assertTrue(fromOthers >= 4L * BROADCASTS_PER_NODE, () -> "host " + n.host + " has " + fromOthers + " broadcasts");
            }
        });
        // keep the impairment for the whole soak, then check nobody was declared DEAD
        await().atMost(SOAK.plusSeconds(10)).pollInterval(Duration.ofSeconds(1))
                .until(() -> System.currentTimeMillis() - impairedAt >= SOAK.toMillis());
        long deadEvents = countEvents(all, all, "DEAD", impairedAt);
        long suspectEvents = countEvents(all, all, "SUSPECT", impairedAt);
        String deadTimeline = all.stream().flatMap(o -> o.events().stream()
                        .filter(e -> e.type().equals("DEAD") && e.epochMillis() >= impairedAt)
                        .map(e -> "h" + o.host + " saw h" + hostOf(all, e.node()) + " DEAD@" + (e.epochMillis() - impairedAt)))
                .collect(Collectors.joining(", "));
        List<String> queueStats = lab.heal();

        int broadcastsInOrder = 0;
        int broadcastsExactlyOnce = 0;
        int reliableInOrder = 0;
        for (int i = 0; i < all.size(); i++) {
            NodeProc n = all.get(i);
            NodeProc sender = all.get((i + all.size() - 1) % all.size());
            List<String> broadcasts = n.received("B", "loss");
            for (NodeProc other : all) {
                if (other == n) {
                    continue;
                }
                List<String> expected = numbered("loss:" + other.id, BROADCASTS_PER_NODE);
                List<String> got = broadcasts.stream().filter(p -> p.startsWith("loss:" + other.id + ":")).toList();
                broadcastsExactlyOnce += (int) expected.stream().filter(e -> got.stream().filter(e::equals).count() == 1).count();
                if (got.equals(expected)) {
                    broadcastsInOrder++;
                }
            }
            if (n.received("M", "loss").equals(numbered("loss:" + sender.id, RELIABLE_PER_NODE))) {
                reliableInOrder++;
            }
        }
        int pairs = all.size() * (all.size() - 1);
        FaultSupport.report("loss " + (int) (LOSS * 100) + "% per send + delay " + DELAY_MS + "-" + (DELAY_MS + JITTER_MS)
                + " ms (reordering), 5 nodes, " + SOAK.toSeconds() + " s", "DEAD events " + deadEvents
                + (deadEvents > 0 ? " [" + deadTimeline + "]" : "") + ", SUSPECT events " + suspectEvents
                + "; broadcasts delivered exactly once " + broadcastsExactlyOnce + "/" + (pairs * BROADCASTS_PER_NODE)
                + " (" + broadcastsInOrder + "/" + pairs + " sender-receiver pairs also in send order); reliable streams "
                + "complete, exactly once and in order: " + reliableInOrder + "/" + all.size() + " (x" + RELIABLE_PER_NODE
                + " messages); delay: " + (FaultSupport.delayHelper() != null ? "NFQUEUE " + queueStats : "tc netem"));

        assertEquals(0, deadEvents, "no node was declared DEAD under loss and delay: " + deadTimeline);
        assertEquals(pairs * BROADCASTS_PER_NODE, broadcastsExactlyOnce, "every broadcast reached every other node exactly once");
        for (int i = 0; i < all.size(); i++) {
            NodeProc n = all.get(i);
            NodeProc sender = all.get((i + all.size() - 1) % all.size());
            assertEquals(numbered("loss:" + sender.id, RELIABLE_PER_NODE), n.received("M", "loss"),
                    "host " + n.host + " got host " + sender.host + "'s reliable messages once each, in order");
        }
        if (FaultSupport.delayHelper() != null) {
            assertEquals(all.size(), queueStats.size(), "one NFQUEUE delay helper per node: " + queueStats);
            for (String s : queueStats) {
                assertTrue(!s.contains("queued=0 ") && !s.contains("queued=?"), "the NFQUEUE helper held packets: " + s);
            }
        }
        awaitAllAlive(all, Duration.ofSeconds(30));
    }

    private static int hostOf(List<NodeProc> nodes, java.util.UUID id) {
        return nodes.stream().filter(n -> n.id.equals(id)).mapToInt(n -> n.host).findFirst().orElse(-1);
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> l = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            l.add(prefix + ":" + i);
        }
        return l;
    }
}
