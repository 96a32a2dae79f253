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
