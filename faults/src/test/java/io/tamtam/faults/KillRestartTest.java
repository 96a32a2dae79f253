package io.tamtam.faults;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill -9 of a node process, then a restart with the same id on the same address. */
class KillRestartTest extends FaultSuiteBase {

    @Test
    @Timeout(180)
    void aKilledNodeIsDeadEverywhereAndRejoinsAliveAfterARestart() throws Exception {
        List<NodeProc> all = cluster(5, KEY, host -> "192m");
        NodeProc victim = all.get(4);
        List<NodeProc> survivors = all.subList(0, 4);

        long killedAt = System.currentTimeMillis();
        victim.kill();
        awaitState(survivors, List.of(victim), "DEAD", Duration.ofSeconds(60));
        long detection = lastFirstEvent(survivors, List.of(victim), "DEAD", killedAt);
        assertTrue(detection >= 0, "every survivor reported the DEAD event");
        assertEquals(0, countEvents(survivors, survivors, "DEAD", killedAt), "no survivor was declared DEAD");

        long restartedAt = System.currentTimeMillis();
        NodeProc restarted = start(victim.host, victim.id, KEY, "192m");
        String joined = restarted.command("JOIN " + all.get(0).address + "," + all.get(1).address);
        assertTrue(joined.startsWith("OK"), "rejoin: " + joined);
        List<NodeProc> again = List.of(all.get(0), all.get(1), all.get(2), all.get(3), restarted);
        awaitAllAlive(again, Duration.ofSeconds(60));
        long rejoin = System.currentTimeMillis() - restartedAt;

        FaultSupport.report("kill -9 and restart (5 nodes)", "DEAD at all 4 survivors " + detection
                + " ms after the kill; restarted process (same id and address) ALIVE in all 5 views "
                + rejoin + " ms after its start (JVM start included)");
    }
}
