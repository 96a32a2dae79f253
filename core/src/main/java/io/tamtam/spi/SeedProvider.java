package io.tamtam.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Finds the addresses a node contacts to join, such as a static list or a DNS name. Called by
 * {@link io.tamtam.Cluster#join()} on a callback thread; may block briefly (a DNS lookup).
 */
@FunctionalInterface
public interface SeedProvider {

    /**
     * @return addresses of nodes that may already be in the cluster
     * @throws IOException when discovery fails
     */
    List<InetSocketAddress> seeds() throws IOException;
}
