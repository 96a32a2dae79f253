package io.tamtam;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterConfigTest {

    @Test
    void presetsBuildWithDocumentedDefaults() {
        ClusterConfig lan = ClusterConfig.lan().build();
        assertEquals(ClusterConfig.DEFAULT_PROBE_INTERVAL, lan.probeInterval());
        assertEquals(ClusterConfig.DEFAULT_MAX_DATAGRAM_SIZE, lan.maxDatagramSize());
        assertEquals(ClusterConfig.DEFAULT_PORT, lan.bindAddress().getPort());
        ClusterConfig wan = ClusterConfig.wan().build();
        assertTrue(wan.probeInterval().compareTo(lan.probeInterval()) > 0);
        ClusterConfig local = ClusterConfig.local().build();
        assertEquals(0, local.bindAddress().getPort());
        assertTrue(local.bindAddress().getAddress().isLoopbackAddress());
    }

    @Test
    void invalidValuesNameTheFieldAndRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterConfig.lan().probeTimeout(Duration.ofSeconds(2)).build());
        assertTrue(e.getMessage().startsWith("probeTimeout must be between"), e.getMessage());
        assertTrue(e.getMessage().contains("was PT2S"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.lan().indirectChecks(-1).build());
        assertEquals("indirectChecks must be between 0 and 16, was -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.lan().maxMetadataBytes(5000).build());
        assertTrue(e.getMessage().startsWith("maxMetadataBytes must be between 0 and 700"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.lan().gossipInterval(null).build());
        assertTrue(e.getMessage().startsWith("gossipInterval must be set"), e.getMessage());
    }

    @Test
    void inboundLimitsAreValidated() {
        ClusterConfig defaults = ClusterConfig.lan().build();
        assertEquals(ClusterConfig.DEFAULT_PREFACE_TIMEOUT, defaults.prefaceTimeout());
        assertEquals(ClusterConfig.DEFAULT_MIN_RECEIVE_RATE, defaults.minReceiveRate());
        assertEquals(ClusterConfig.DEFAULT_RECEIVE_GRACE, defaults.receiveGrace());
        assertEquals(ClusterConfig.DEFAULT_MAX_INBOUND_CONNECTIONS, defaults.maxInboundConnections());
        assertEquals(ClusterConfig.DEFAULT_MAX_INBOUND_CONNECTIONS_PER_IP, defaults.maxInboundConnectionsPerIp());
        assertEquals(ClusterConfig.DEFAULT_INBOUND_BUFFER_BUDGET, defaults.inboundBufferBudget());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterConfig.lan().prefaceTimeout(Duration.ofMillis(1)).build());
        assertEquals("prefaceTimeout must be between PT0.01S and PT1H, was PT0.001S", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.lan().minReceiveRate(0).build());
        assertEquals("minReceiveRate must be between 1 and 2147483647, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.lan().receiveGrace(null).build());
        assertTrue(e.getMessage().startsWith("receiveGrace must be set"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.lan().maxInboundConnections(0).build());
        assertEquals("maxInboundConnections must be between 1 and 1048576, was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ClusterConfig.lan().maxInboundConnections(10).maxInboundConnectionsPerIp(11).build());
        assertEquals("maxInboundConnectionsPerIp must be between 1 and 10, was 11", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ClusterConfig.lan().maxFrameSize(64 << 20).build());
        assertEquals("inboundBufferBudget (at least maxFrameSize) must be between 67108864 and 2147483647, was "
                + ClusterConfig.DEFAULT_INBOUND_BUFFER_BUDGET, e.getMessage());

        ClusterConfig custom = ClusterConfig.lan().prefaceTimeout(Duration.ofMillis(500)).minReceiveRate(1024)
                .receiveGrace(Duration.ofSeconds(1)).maxInboundConnections(10).maxInboundConnectionsPerIp(10)
                .maxFrameSize(64 << 20).inboundBufferBudget(64 << 20).build().toBuilder().build();
        assertEquals(Duration.ofMillis(500), custom.prefaceTimeout());
        assertEquals(1024, custom.minReceiveRate());
        assertEquals(Duration.ofSeconds(1), custom.receiveGrace());
        assertEquals(10, custom.maxInboundConnections());
        assertEquals(10, custom.maxInboundConnectionsPerIp());
        assertEquals(64 << 20, custom.inboundBufferBudget());
    }

    @Test
    void toBuilderKeepsValuesAndKeysAreCopied() {
        byte[] key = new byte[16];
        ClusterConfig c = ClusterConfig.local().encryptionKeys(key).eagerPushFanout(5).build();
        key[0] = 1;
        assertEquals(0, c.encryptionKeys().get(0)[0]);
        ClusterConfig d = c.toBuilder().build();
        assertEquals(5, d.eagerPushFanout());
        assertEquals(1, d.encryptionKeys().size());
    }
}
