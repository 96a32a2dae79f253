package io.tamtam.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile traffic from a sixth namespace at one node of five (run with -Xmx128m) for
 * {@code -Dtamtam.faults.floodSeconds} (60): the node stays a member, within a memory budget, and
 * broadcasts still reach everyone.
 */
class HostileFloodTest extends FaultSuiteBase {

    private static final long FLOOD_SECONDS = Long.getLong("tamtam.faults.floodSeconds", 60);
    private static final int DATAGRAMS_PER_SECOND = Integer.getInteger("tamtam.faults.floodRate", 1000);
    private static final int IDLE_CONNECTIONS = Integer.getInteger("tamtam.faults.floodIdle", 300);
    private static final int SLOW_FRAMES = Integer.getInteger("tamtam.faults.floodSlow", 32);
    /** Heap in use after a full GC at the end of the flood, at most. */
    private static final long HEAP_BUDGET_BYTES = 64L << 20;
    /** Resident set of the flooded JVM (-Xmx128m) at the end of the flood, at most. */
    private static final long RSS_BUDGET_KB = Long.getLong("tamtam.faults.rssBudgetMb", 400) * 1024;

    private Process attacker;

    @AfterEach
    void stopAttacker() {
        if (attacker != null) {
            attacker.destroyForcibly();
        }
    }

    @Test
    @Timeout(600)
    void aFloodedNodeStaysAMemberWithinItsMemoryBudget() throws Exception {
        List<NodeProc> all = cluster(5, "none", host -> host == 0 ? "128m" : "192m");
        NodeProc target = all.get(0);
        List<NodeProc> observers = all.subList(1, 5);
        Map<String, Long> memBefore = NodeProc.numbers(target.command("MEM"));
        Map<String, Long> dropsBefore = NodeProc.numbers(target.command("STATS"));

        Path attackerOutput = FaultSupport.target().resolve("fault-logs").resolve("attacker.out");
        long floodStart = System.currentTimeMillis();
        attacker = startAttacker(attackerOutput);
        long floodEnd = floodStart + FLOOD_SECONDS * 1000;

        // during the flood: sample every view of the target, and broadcast from a peer and from the target
        List<String> states = new ArrayList<>();
        long broadcastDelivered = -1;
        boolean broadcastSent = false;
        boolean deliveredBeforeFloodEnd = false;
        String broadcastFailure = null;
        long peakHeap = 0;
        long peakDirect = 0;
        while (System.currentTimeMillis() < floodEnd && attacker.isAlive()) {
            for (NodeProc o : observers) {
                states.add(o.stateOf(target));
            }
            Map<String, Long> peek = NodeProc.numbers(answerOrEmpty(target, "PEEK"));
            peakHeap = Math.max(peakHeap, peek.getOrDefault("heap", 0L));
            peakDirect = Math.max(peakDirect, Math.max(peek.getOrDefault("nettyDirect", 0L), peek.getOrDefault("jdkDirect", 0L)));
            if (!broadcastSent && System.currentTimeMillis() - floodStart > FLOOD_SECONDS * 1000 / 3) {
                broadcastSent = true;
                long sentAt = System.currentTimeMillis();
                all.get(1).command("BCAST flood 3");
                answerOrEmpty(target, "BCAST flood 3");
                try {
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                        for (NodeProc n : all) {
                            long fromOthers = n.received("B", "flood").stream().filter(p -> !p.contains(n.id.toString())).count();
                            assertEquals(n == all.get(1) || n == target ? 3 : 6, fromOthers, () -> "broadcasts at host " + n.host);
                        }
                    });
                    broadcastDelivered = System.currentTimeMillis() - sentAt;
                    deliveredBeforeFloodEnd = System.currentTimeMillis() < floodEnd;
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    broadcastFailure = e.getMessage();
                }
            }
            await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        }
        assertTrue(attacker.waitFor(FLOOD_SECONDS + 120, TimeUnit.SECONDS), "the attacker ends");
        List<String> attackerLines = Sh.lines(attackerOutput);
        String summary = attackerLines.stream().filter(l -> l.startsWith("DONE")).findFirst().orElse("no summary: " + attackerLines);

        boolean targetRunning = target.isAlive();
        Map<String, Long> memAfter = targetRunning ? NodeProc.numbers(target.command("MEM")) : Map.of();
        Map<String, Long> dropsAfter = targetRunning ? NodeProc.numbers(target.command("STATS")) : Map.of();
        long deadEvents = countEvents(observers, List.of(target), "DEAD", floodStart);
        long suspectEvents = countEvents(observers, List.of(target), "SUSPECT", floodStart);
        long aliveSamples = states.stream().filter("ALIVE"::equals).count();
        String timeline = observers.stream().flatMap(o -> o.events().stream()
                        .filter(e -> e.node().equals(target.id) && e.epochMillis() >= floodStart)
                        .map(e -> "h" + o.host + ":" + e.type() + "@" + (e.epochMillis() - floodStart)))
                .collect(java.util.stream.Collectors.joining(","));
        StringBuilder drops = new StringBuilder();
        for (Map.Entry<String, Long> e : dropsAfter.entrySet()) {
            long delta = e.getValue() - dropsBefore.getOrDefault(e.getKey(), 0L);
            if (delta > 0) {
                drops.append(e.getKey()).append('=').append(delta).append(' ');
            }
        }
        FaultSupport.report("hostile flood at 1 of 5 nodes (-Xmx128m), " + FLOOD_SECONDS + " s",
                "attacker " + summary + "; target ALIVE in " + aliveSamples + "/" + states.size()
                + " view samples, SUSPECT events " + suspectEvents + ", DEAD events " + deadEvents + " [" + timeline + "]"
                + "; broadcast sent during the flood delivered to all in " + broadcastDelivered + " ms"
                + (deliveredBeforeFloodEnd ? " (before the flood ended)" : " (after the flood ended)")
                + (broadcastFailure == null ? "" : " NOT DELIVERED: " + broadcastFailure)
                + "; heap after GC " + mib(memBefore.get("heap")) + " -> " + mib(memAfter.getOrDefault("heap", -1L))
                + " MiB, RSS " + memBefore.get("rss") / 1024 + " -> " + memAfter.getOrDefault("rss", -1L) / 1024
                + " MiB (peak " + memAfter.getOrDefault("hwm", -1L) / 1024 + " MiB); sampled during the flood: heap up to "
                + mib(peakHeap) + " MiB, direct memory up to " + mib(peakDirect) + " MiB; drops " + drops.toString().trim()
                + (targetRunning ? "" : "; THE FLOODED NODE'S PROCESS ENDED"));

        assertTrue(targetRunning, "the flooded node's process is running");
        assertTrue(broadcastSent, "a broadcast was sent during the flood");
        assertTrue(broadcastDelivered >= 0, "the broadcast sent during the flood reached every node: " + broadcastFailure);
        assertEquals(0, deadEvents, "no observer declared the flooded node DEAD");
        assertTrue(states.stream().allMatch(s -> s.equals("ALIVE") || s.equals("SUSPECT")),
                "the flooded node was a member in every sample: " + states);
        awaitState(observers, List.of(target), "ALIVE", Duration.ofSeconds(30));
        assertTrue(memAfter.get("heap") <= HEAP_BUDGET_BYTES,
                "heap after GC " + memAfter.get("heap") + " within " + HEAP_BUDGET_BYTES);
        assertTrue(memAfter.get("hwm") <= RSS_BUDGET_KB, "peak RSS " + memAfter.get("hwm") + " kB within " + RSS_BUDGET_KB + " kB");
        all.get(2).command("BCAST after 1");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(1, target.received("B", "after").size()));
    }

    /** @return the node's answer, or an empty one when it gives none within 10 s (a flooded node may stall) */
    private static String answerOrEmpty(NodeProc node, String command) {
        try {
            return node.command(command, Duration.ofSeconds(10));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return "";
        }
    }

    private Process startAttacker(Path output) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = lab.inHost(5, List.of(java, "-Xmx128m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), FloodMain.class.getName(),
                Lab.ip(0), Integer.toString(NodeProc.PORT), Long.toString(FLOOD_SECONDS),
                Integer.toString(DATAGRAMS_PER_SECOND), Integer.toString(IDLE_CONNECTIONS), Integer.toString(SLOW_FRAMES)));
        Process p = Sh.start(command, output);
        return p;
    }

    private static String mib(Long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
