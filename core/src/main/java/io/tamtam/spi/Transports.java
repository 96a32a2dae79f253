package io.tamtam.spi;

import java.util.ServiceLoader;

/**
 * The transport factories a cluster uses when its configuration sets none: the first
 * {@link DatagramTransport.Factory} and {@link StreamTransport.Factory} that {@link ServiceLoader} finds
 * on the class path ({@code io.tamtam:tamtam-transport-udp} and {@code io.tamtam:tamtam-transport-tcp}).
 *
 * <p>Use these to wrap the real transports, for example with the fault injector of
 * {@code io.tamtam:tamtam-testkit}, without repeating how the cluster chooses them.
 */
public final class Transports {

    private Transports() {
    }

    /**
     * @return the datagram transport factory a cluster uses by default
     * @throws IllegalStateException when none is on the class path; the message names the module to add
     */
    public static DatagramTransport.Factory defaultDatagramFactory() {
        return ServiceLoader.load(DatagramTransport.Factory.class).findFirst().orElseThrow(() -> new IllegalStateException(
                "no datagram transport: add io.tamtam:tamtam-transport-udp to the class path or set "
                        + "ClusterConfig.Builder.datagramTransport(...) (tamtam-testkit has an in-memory one)"));
    }

    /**
     * @return the stream transport factory a cluster uses by default
     * @throws IllegalStateException when none is on the class path; the message names the module to add
     */
    public static StreamTransport.Factory defaultStreamFactory() {
        return ServiceLoader.load(StreamTransport.Factory.class).findFirst().orElseThrow(() -> new IllegalStateException(
                "no stream transport: add io.tamtam:tamtam-transport-tcp to the class path or set "
                        + "ClusterConfig.Builder.streamTransport(...) (tamtam-testkit has an in-memory one)"));
    }
}
