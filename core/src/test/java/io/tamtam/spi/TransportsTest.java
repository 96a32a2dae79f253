package io.tamtam.spi;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Core alone has no transport on its class path: the accessors and the cluster say which module to add. */
class TransportsTest {

    @Test
    void withoutTransportModulesTheAccessorsNameTheModuleToAdd() {
        IllegalStateException datagrams = assertThrows(IllegalStateException.class, Transports::defaultDatagramFactory);
        assertTrue(datagrams.getMessage().contains("io.tamtam:tamtam-transport-udp"), datagrams::getMessage);
        IllegalStateException streams = assertThrows(IllegalStateException.class, Transports::defaultStreamFactory);
        assertTrue(streams.getMessage().contains("io.tamtam:tamtam-transport-tcp"), streams::getMessage);
    }

    @Test
    void aClusterWithoutTransportsFailsWithTheSameMessage() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Cluster.create(ClusterConfig.local().build()).close());
        IllegalStateException direct = assertThrows(IllegalStateException.class, Transports::defaultDatagramFactory);
        assertEquals(direct.getMessage(), e.getMessage());
    }
}
