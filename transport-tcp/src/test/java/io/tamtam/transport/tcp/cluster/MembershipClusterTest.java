package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;
import io.tamtam.Node;
import io.tamtam.NodeState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many nodes in one JVM over real UDP and TCP sockets: convergence, metadata, failure detection. */
class MembershipClusterTest {

    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void sixteenNodesConvergeShareMetadataAndDetectACrashIpv4() {
        convergeShareAndDetect(16, ClusterConfig.local());
    }

    @Test
    void fourNodesDoTheSameOnIpv6Loopback() {
        convergeShareAndDetect(4, ClusterConfig.local().bindAddress(new InetSocketAddress("::1", 0)));
    }

    private void convergeShareAndDetect(int count, ClusterConfig.Builder config) {
        List<Cluster> all = nodes.cluster(count, config);
        List<Queue<MembershipEvent>> events = new ArrayList<>();
        for (Cluster c : all) {
            Queue<MembershipEvent> q = new ConcurrentLinkedQueue<>();
            c.addMembershipListener(q::add);
            events.add(q);
        }
        Cluster author = all.get(3);
        Node authorNode = author.localNode();
        author.setMetadata("role", "storage");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (int i = 0; i < count; i++) {
                if (i == 3) {
                    continue;
                }
                Cluster c = all.get(i);
                assertEquals("storage", c.member(authorNode.id()).orElseThrow().metadata().get("role"), c::toString);
                assertTrue(events.get(i).stream().anyMatch(e -> e.type() == MembershipEvent.Type.UPDATED
                        && e.node().id().equals(authorNode.id())
                        && "storage".equals(e.node().metadata().get("role"))), () -> c + " got " + events);
            }
        });

        Cluster victim = all.get(count - 1);
        Node victimNode = victim.localNode();
        victim.close();
        List<Cluster> survivors = all.subList(0, count - 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (Cluster c : survivors) {
                assertEquals(NodeState.DEAD, Nodes.stateOf(c, victimNode), c::toString);
            }
        });
        // Listeners hear of it on the callback executor, a little after the state changed.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (int i = 0; i < count - 1; i++) {
                assertTrue(events.get(i).stream().anyMatch(e -> e.type() == MembershipEvent.Type.DEAD
                        && e.node().id().equals(victimNode.id())), all.get(i)::toString);
            }
        });
    }
}
