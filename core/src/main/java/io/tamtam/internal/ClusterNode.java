package io.tamtam.internal;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;

import java.io.IOException;

/** One running node: wires the protocol parts together. */
public final class ClusterNode {
    private ClusterNode() {
    }

    /**
     * @param config the configuration
     * @return the running node
     * @throws IOException when the transports cannot bind
     */
    public static Cluster start(ClusterConfig config) throws IOException {
        throw new UnsupportedOperationException("under construction");
    }
}
