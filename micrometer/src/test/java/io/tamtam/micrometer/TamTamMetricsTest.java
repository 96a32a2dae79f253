package io.tamtam.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MessageType;
import io.tamtam.NodeState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TamTamMetricsTest {
    static final MessageType<String> CHAT = MessageType.of(1000, String.class);

    @Test
    void metersFollowTheClusterStats() throws Exception {
        try (Cluster one = Cluster.create(ClusterConfig.local().build());
             Cluster two = Cluster.create(ClusterConfig.local().build())) {
            two.handle(CHAT, p -> { });
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new TamTamMetrics(one, Tags.of("node", "one")).bindTo(registry);

            Gauge alive = registry.get("tamtam.members").tags("state", "alive", "node", "one").gauge();
            assertEquals(1.0, alive.value());
            one.join(two.localNode().address()).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> alive.value() == 2.0);

            one.broadcast(CHAT, "hi").get(60, TimeUnit.SECONDS);
            FunctionCounter originated = registry.get("tamtam.broadcasts.originated").functionCounter();
            assertEquals(one.stats().broadcastsOriginated(), (long) originated.count());
            assertTrue(originated.count() >= 1);
            FunctionCounter datagrams = registry.get("tamtam.packets.sent").tags("path", "datagram").functionCounter();
            await().atMost(Duration.ofSeconds(60)).until(() -> datagrams.count() > 0);
            assertEquals(0.0, registry.get("tamtam.dropped").tags("reason", "bad_magic").functionCounter().count());
            assertEquals(one.memberCount(NodeState.DEAD), registry.get("tamtam.members").tags("state", "dead").gauge().value());

            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new TamTamMetrics(one).bindTo(prometheus);
            String text = prometheus.scrape();
            assertTrue(text.contains("# TYPE tamtam_packets_sent_total counter") || text.contains("# TYPE tamtam_packets_sent counter"), text);
            assertTrue(text.contains("tamtam_members{state=\"alive\"} 2.0"), text);
            assertTrue(text.contains("tamtam_probe_rtt_seconds{quantile=\"0.99\"}"), text);
        }
    }
}
