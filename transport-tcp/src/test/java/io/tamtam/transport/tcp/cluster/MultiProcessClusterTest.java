package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Node;
import io.tamtam.NodeState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three nodes in three JVMs: membership, metadata and the detection of a killed process. */
class MultiProcessClusterTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Nodes nodes = new Nodes();
    private final List<ChildProcess> children = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() {
        for (ChildProcess c : children) {
            c.destroy();
        }
        nodes.close();
    }

    private ChildProcess startChild(int seedPort, String metadata) throws IOException {
        ChildProcess child = ChildProcess.start(ChildNodeMain.class, List.of("-Xmx256m"), Integer.toString(seedPort), metadata);
        children.add(child);
        return child;
    }

    @Test
    void threeProcessesClusterShareMetadataAndDetectAKill() throws Exception {
        ChildProcess first = startChild(0, "first");
        int firstPort = Integer.parseInt(first.awaitLine("PORT", STARTUP));
        UUID firstId = UUID.fromString(first.awaitLine("ID", STARTUP));
        ChildProcess second = startChild(firstPort, "second");
        UUID secondId = UUID.fromString(second.awaitLine("ID", STARTUP));

        Cluster local = nodes.start(ClusterConfig.local());
        local.join(new InetSocketAddress("127.0.0.1", firstPort)).get(20, TimeUnit.SECONDS);

        await().atMost(STARTUP).untilAsserted(() -> {
            assertEquals(3, local.liveMembers().size(), () -> "members " + local.liveMembers());
            assertEquals("first", local.member(firstId).map(Node::metadata).orElseThrow().get("process"));
            assertEquals("second", local.member(secondId).map(Node::metadata).orElseThrow().get("process"));
            assertTrue(first.lines.contains("MEMBERS 3"), () -> "first child printed " + first.lines);
            assertTrue(second.lines.contains("MEMBERS 3"), () -> "second child printed " + second.lines);
        });

        second.destroy();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(NodeState.DEAD, Nodes.stateOf(local, local.member(secondId).orElseThrow()));
            assertTrue(first.lines.contains("DEAD " + secondId), () -> "first child printed " + first.lines);
        });
        assertTrue(first.process.isAlive(), "the surviving child is still running");
    }
}
