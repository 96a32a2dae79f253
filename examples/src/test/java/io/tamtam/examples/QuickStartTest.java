package io.tamtam.examples;


import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuickStartTest {

    @Test
    void quickStartJoinsBroadcastsAndLeaves() throws Exception {
        List<QuickStart.Greeting> received = new CopyOnWriteArrayList<>();
        List<MembershipEvent.Type> seen = new CopyOnWriteArrayList<>();
        try (Cluster seed = Cluster.create(ClusterConfig.local().build())) {
            seed.handle(QuickStart.GREETING, p -> received.add(p.payload()));
            seed.addMembershipListener(e -> seen.add(e.type()));

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
                QuickStart.run(seed.localNode().address(), out);
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(MembershipEvent.Type.LEFT));
            await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
            assertEquals(new QuickStart.Greeting("quick-start", "hello, cluster"), received.get(0));
            assertTrue(seen.contains(MembershipEvent.Type.JOINED), "JOINED seen: " + seen);
            assertTrue(seen.indexOf(MembershipEvent.Type.JOINED) < seen.indexOf(MembershipEvent.Type.LEFT),
                    "JOINED before LEFT: " + seen);
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("members: 2"), printed);
        }
    }
}
