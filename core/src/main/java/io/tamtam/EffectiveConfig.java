package io.tamtam;

import io.tamtam.spi.CipherFactory;
import io.tamtam.spi.Codec;
import io.tamtam.spi.Compressor;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.Scheduler;
import io.tamtam.spi.SeedProvider;
import io.tamtam.spi.StreamTransport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * What a running node actually uses, from {@link Cluster#effectiveConfig()}: the settings as configured
 * (defaults applied), every pluggable part as resolved (set in the configuration or found with
 * {@link java.util.ServiceLoader}), and the values the protocol derives from the settings and the current
 * cluster size and local health. The derived values are computed when {@code effectiveConfig()} is called
 * and change as the cluster grows or shrinks and as the local health score moves.
 *
 * @param settings             the configuration as given ({@link ClusterConfig} accessors return null for
 *                             parts left to ServiceLoader; the components below say what was chosen)
 * @param nodeId               this node's id (generated when the configuration set none)
 * @param advertisedAddress    the address other nodes reach this node at (the bound port when 0 was configured)
 * @param codec                the payload codec; empty when none was set or found (then only String and byte[] payloads)
 * @param compressor           the compressor; empty when none was set or found. Used for outgoing packets of at
 *                             least {@link ClusterConfig#compressionMinBytes()} unless compression is disabled
 * @param cipherFactory        the cipher factory; empty when no encryption keys are set (plaintext)
 * @param datagramTransport    the datagram transport factory in use
 * @param streamTransport      the stream transport factory in use
 * @param callbackExecutor     where handlers and listeners run: the configured executor, or the node's share of the shared or runtime threads
 * @param scheduler            the protocol scheduler: the configured one, the node's own thread or its lane on a runtime
 * @param seedProvider         where {@link Cluster#join()} finds seeds; empty when none is set
 * @param liveMembers          N: members ALIVE or SUSPECT now, this node included; the values below use it
 * @param localHealthScore     the Lifeguard local health score now (see {@link ClusterStats#localHealthScore()})
 * @param probeInterval        the probe interval now: {@code probeInterval * (localHealthScore + 1)}
 * @param probeTimeout         the probe timeout now: {@code probeTimeout * (localHealthScore + 1)}
 * @param suspicionTimeoutMin  the shortest a suspicion raised now lasts, when enough members confirm it:
 *                             {@code suspicionMultiplier * log10(max(N, 10)) * probeInterval} (unscaled interval)
 * @param suspicionTimeoutMax  the longest a suspicion raised now lasts, with no confirmation:
 *                             {@code suspicionTimeoutMin * suspicionMaxMultiplier}
 * @param retransmitLimit      how many times a membership change or broadcast is piggybacked or gossiped
 *                             before it is retired: {@code retransmitMultiplier * ceil(log10(N + 1))}
 * @param pushPullInterval     the periodic full-state exchange interval now: {@code pushPullInterval} up to 32
 *                             members, then {@code pushPullInterval * N / 32}
 */
public record EffectiveConfig(
        ClusterConfig settings,
        UUID nodeId,
        InetSocketAddress advertisedAddress,
        Optional<Codec> codec,
        Optional<Compressor> compressor,
        Optional<CipherFactory> cipherFactory,
        DatagramTransport.Factory datagramTransport,
        StreamTransport.Factory streamTransport,
        Executor callbackExecutor,
        Scheduler scheduler,
        Optional<SeedProvider> seedProvider,
        int liveMembers,
        int localHealthScore,
        Duration probeInterval,
        Duration probeTimeout,
        Duration suspicionTimeoutMin,
        Duration suspicionTimeoutMax,
        int retransmitLimit,
        Duration pushPullInterval) {

    /** @return the resolved parts and derived values, one per line, for logs */
    @Override
    public String toString() {
        return "node " + nodeId + " at " + advertisedAddress
                + "\n  codec " + name(codec.orElse(null)) + ", compressor " + name(compressor.orElse(null))
                + (settings.compressionDisabled() ? " (outgoing compression disabled)" : "")
                + ", cipher factory " + name(cipherFactory.orElse(null))
                + ", " + settings.encryptionKeys().size() + " key(s)"
                + "\n  datagram transport " + name(datagramTransport) + ", stream transport " + name(streamTransport)
                + "\n  callback executor " + name(callbackExecutor) + ", scheduler " + name(scheduler)
                + ", seed provider " + name(seedProvider.orElse(null))
                + "\n  N=" + liveMembers + " health " + localHealthScore
                + ": probe every " + probeInterval.toMillis() + " ms, timeout " + probeTimeout.toMillis()
                + " ms; suspicion " + suspicionTimeoutMin.toMillis() + ".." + suspicionTimeoutMax.toMillis()
                + " ms; retransmit limit " + retransmitLimit + "; push-pull every " + pushPullInterval.toMillis() + " ms";
    }

    private static String name(Object o) {
        return o == null ? "none" : o.getClass().getName();
    }
}
