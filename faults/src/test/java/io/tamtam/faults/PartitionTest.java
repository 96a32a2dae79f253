package io.tamtam.faults;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Symmetric (2|3) and one-way partitions of five node processes, and their healing. */
class PartitionTest extends FaultSuiteBase {

    @Test
    @Timeout(240)
    void symmetricPartitionSidesSeeEachOtherDeadThenMerge() {
        List<NodeProc> all = cluster(5, KEY, host -> "192m");
        List<NodeProc> small = all.subList(0, 2);
        List<NodeProc> large = all.subList(2, 5);

        long cutAt = System.currentTimeMillis();
        lab.partition(List.of(0, 1), List.of(2, 3, 4));
        awaitState(small, large, "DEAD", Duration.ofSeconds(60));
        awaitState(large, small, "DEAD", Duration.ofSeconds(60));
        long smallDetects = lastFirstEvent(small, large, "DEAD", cutAt);
        long largeDetects = lastFirstEvent(large, small, "DEAD", cutAt);
        assertEquals(0, countEvents(small, small, "DEAD", cutAt), "no node of the 2-side declared its own side DEAD");
        assertEquals(0, countEvents(large, large, "DEAD", cutAt), "no node of the 3-side declared its own side DEAD");
        awaitState(small, small, "ALIVE", Duration.ofSeconds(5));
        awaitState(large, large, "ALIVE", Duration.ofSeconds(5));

        long healedAt = System.currentTimeMillis();
        lab.heal();
        awaitAllAlive(all, Duration.ofSeconds(90));
        long merged = System.currentTimeMillis() - healedAt;

        FaultSupport.report("symmetric partition 2|3", "2-side sees the 3 DEAD after " + smallDetects
                + " ms, 3-side sees the 2 DEAD after " + largeDetects + " ms; healed: all 5 ALIVE everywhere "
                + merged + " ms after the rules were removed (push-pull interval 5 s)");
    }

    @Test
    @Timeout(240)
    void oneWayPartitionIsolatesTheDeafNodeWithoutHarmingTheOthers() {
        List<NodeProc> all = cluster(5, KEY, host -> "192m");
        NodeProc deaf = all.get(4);
        List<NodeProc> others = all.subList(0, 4);

        long cutAt = System.currentTimeMillis();
        lab.dropInbound(4, List.of(0, 1, 2, 3));
        awaitState(others, List.of(deaf), "DEAD", Duration.ofSeconds(60));
        long othersDetect = lastFirstEvent(others, List.of(deaf), "DEAD", cutAt);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    var view = deaf.view();
                    for (NodeProc o : others) {
                        assertTrue(!"ALIVE".equals(view.get(o.id)), () -> "the deaf node still sees host " + o.host + " ALIVE: " + view);
                    }
                });
        long deafDetects = System.currentTimeMillis() - cutAt;
        assertEquals(0, countEvents(others, others, "DEAD", cutAt),
                "the deaf node's accusations never made a healthy node DEAD");
        awaitState(others, others, "ALIVE", Duration.ofSeconds(5));

        long healedAt = System.currentTimeMillis();
        lab.heal();
        awaitAllAlive(all, Duration.ofSeconds(90));
        long merged = System.currentTimeMillis() - healedAt;

        FaultSupport.report("one-way partition (1 node receives nothing)", "the other 4 see it DEAD after "
                + othersDetect + " ms; it sees none of them ALIVE after " + deafDetects
                + " ms (polled); healthy nodes falsely DEAD: 0; healed: all ALIVE everywhere " + merged + " ms after");
    }
}
