package io.tamtam.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node with another cluster key tries to join five encrypted node processes. */
class WrongKeyTest extends FaultSuiteBase {

    private static final String OTHER_KEY = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private static final Duration WATCH = Duration.ofSeconds(10);

    @Test
    @Timeout(180)
    void aNodeWithTheWrongKeyNeverBecomesAMember() throws Exception {
        List<NodeProc> members = cluster(5, KEY, host -> "192m");
        long unauthenticatedBefore = NodeProc.numbers(members.get(0).command("STATS")).get("UNAUTHENTICATED");
        NodeProc intruder = start(5, UUID.randomUUID(), OTHER_KEY, "192m");

        String joined = intruder.command("JOIN " + members.get(0).address + "," + members.get(3).address, Duration.ofSeconds(60));
        assertTrue(joined.startsWith("FAIL"), "the join must fail: " + joined);

        long joinFailedAt = System.currentTimeMillis();
        // for a while after, the intruder keeps running and knows the seeds' addresses: watch every view
        int samples = 0;
        while (System.currentTimeMillis() - joinFailedAt < WATCH.toMillis()) {
            for (NodeProc m : members) {
                Map<UUID, String> view = m.view();
                assertFalse(view.containsKey(intruder.id), () -> "host " + m.host + " lists the intruder: " + view);
                assertEquals(5, view.size(), () -> "host " + m.host + " view " + view);
            }
            Map<UUID, String> own = intruder.view();
            assertEquals(Map.of(intruder.id, "ALIVE"), own, "the intruder knows only itself");
            samples++;
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        }
        for (NodeProc m : members) {
            assertTrue(m.events().stream().noneMatch(e -> e.node().equals(intruder.id)),
                    () -> "host " + m.host + " reported an event about the intruder");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertTrue(
                NodeProc.numbers(members.get(0).command("STATS")).get("UNAUTHENTICATED") > unauthenticatedBefore,
                "the seed counted the intruder's packets as UNAUTHENTICATED"));
        long unauthenticated = NodeProc.numbers(members.get(0).command("STATS")).get("UNAUTHENTICATED") - unauthenticatedBefore;
        awaitAllAlive(members, Duration.ofSeconds(10));

        FaultSupport.report("wrong cluster key", "join failed (" + joined.substring(0, Math.min(joined.length(), 120))
                + "); intruder absent from all 5 views in " + samples + " samples over " + WATCH.toSeconds()
                + " s; seed counted " + unauthenticated + " UNAUTHENTICATED packets");
    }
}
