package io.tamtam.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tamtam.Cluster;
import io.tamtam.ClusterStats;
import io.tamtam.DropReason;
import io.tamtam.NodeState;

import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Exposes a {@link Cluster}'s {@link Cluster#stats()} and member counts as Micrometer meters. Each meter
 * reads the cluster when the registry is scraped; binding allocates nothing per message.
 *
 * <pre>{@code
 * new TamTamMetrics(cluster).bindTo(registry);
 * }</pre>
 *
 * <p>Meters (Micrometer names; a Prometheus registry renders {@code tamtam.packets.sent} as
 * {@code tamtam_packets_sent_total}):
 * <ul>
 *   <li>counters {@code tamtam.packets.sent}, {@code tamtam.packets.received}, {@code tamtam.bytes.sent},
 *       {@code tamtam.bytes.received}, each with a {@code path} tag (datagram, frame, stream);</li>
 *   <li>counter {@code tamtam.dropped} with a {@code reason} tag, one per {@link DropReason};</li>
 *   <li>counters {@code tamtam.broadcasts.originated}, {@code .relayed}, {@code .expired}, {@code .evicted},
 *       {@code tamtam.suspicions.raised}, {@code .refuted}, {@code .confirmed}, {@code tamtam.callback.errors},
 *       {@code tamtam.errors}, {@code tamtam.completion.stalls}, {@code tamtam.sessions.evicted},
 *       {@code tamtam.events.missed};</li>
 *   <li>gauges {@code tamtam.members} with a {@code state} tag, {@code tamtam.health.score},
 *       {@code tamtam.protocol.backlog}, {@code tamtam.pending.messages}, {@code tamtam.broadcast.queue.items},
 *       {@code tamtam.broadcast.queue.bytes}, {@code tamtam.completion.backlog}, and
 *       {@code tamtam.probe.rtt.seconds} with a {@code quantile} tag (0.5, 0.9, 0.99, 1.0).</li>
 * </ul>
 */
public final class TamTamMetrics implements MeterBinder {
    private final Cluster cluster;
    private final Iterable<Tag> tags;

    /** @param cluster the node to expose */
    public TamTamMetrics(Cluster cluster) {
        this(cluster, Tags.empty());
    }

    /**
     * @param cluster the node to expose
     * @param tags    tags added to every meter (for example the node's name when one registry serves several)
     */
    public TamTamMetrics(Cluster cluster, Iterable<Tag> tags) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.tags = Objects.requireNonNull(tags, "tags");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ClusterStats.Path path : ClusterStats.Path.values()) {
            Tags t = Tags.of(tags).and("path", path.name().toLowerCase(Locale.ROOT));
            counter(registry, "tamtam.packets.sent", "packets sent", t, s -> s.packetsSent(path));
            counter(registry, "tamtam.packets.received", "packets received", t, s -> s.packetsReceived(path));
            counter(registry, "tamtam.bytes.sent", "bytes sent", t, s -> s.bytesSent(path));
            counter(registry, "tamtam.bytes.received", "bytes received", t, s -> s.bytesReceived(path));
        }
        for (DropReason reason : DropReason.values()) {
            counter(registry, "tamtam.dropped", "inbound packets dropped",
                    Tags.of(tags).and("reason", reason.name().toLowerCase(Locale.ROOT)), s -> s.dropped(reason));
        }
        Tags t = Tags.of(tags);
        counter(registry, "tamtam.broadcasts.originated", "user broadcasts originated", t, ClusterStats::broadcastsOriginated);
        counter(registry, "tamtam.broadcasts.relayed", "user broadcasts from others queued to pass on", t, ClusterStats::broadcastsRelayed);
        counter(registry, "tamtam.broadcasts.expired", "broadcast queue items retired at their transmit limit", t, ClusterStats::broadcastsExpired);
        counter(registry, "tamtam.broadcasts.evicted", "broadcast queue items evicted because the queue was full", t, ClusterStats::broadcastsEvicted);
        counter(registry, "tamtam.suspicions.raised", "members suspected after a failed probe", t, ClusterStats::suspicionsRaised);
        counter(registry, "tamtam.suspicions.refuted", "suspicions of this node refuted", t, ClusterStats::suspicionsRefuted);
        counter(registry, "tamtam.suspicions.confirmed", "suspected members that became dead", t, ClusterStats::suspicionsConfirmed);
        counter(registry, "tamtam.callback.errors", "callbacks that threw", t, ClusterStats::callbackErrors);
        counter(registry, "tamtam.errors", "background faults", t, ClusterStats::errors);
        counter(registry, "tamtam.completion.stalls", "future completions moved because user code held them", t, ClusterStats::completionStalls);
        counter(registry, "tamtam.sessions.evicted", "sessions of non-members evicted", t, ClusterStats::sessionsEvicted);
        counter(registry, "tamtam.events.missed", "membership events a listener missed", t, ClusterStats::eventsMissed);

        for (NodeState state : NodeState.values()) {
            Gauge.builder("tamtam.members", cluster, c -> c.memberCount(state))
                    .description("known members by state, this node included")
                    .tags(Tags.of(tags).and("state", state.name().toLowerCase(Locale.ROOT)))
                    .register(registry);
        }
        gauge(registry, "tamtam.health.score", "Lifeguard local health score (0 is healthy)", s -> s.localHealthScore());
        gauge(registry, "tamtam.protocol.backlog", "received packets waiting for the protocol thread", ClusterStats::protocolBacklog);
        gauge(registry, "tamtam.pending.messages", "user messages waiting for their handlers", ClusterStats::pendingMessages);
        gauge(registry, "tamtam.broadcast.queue.items", "items in the broadcast queue", ClusterStats::broadcastQueueItems);
        gauge(registry, "tamtam.broadcast.queue.bytes", "encoded bytes in the broadcast queue", ClusterStats::broadcastQueueBytes);
        gauge(registry, "tamtam.completion.backlog", "future completions queued, not yet run", ClusterStats::completionBacklog);
        rtt(registry, "0.5", r -> r.p50().toNanos());
        rtt(registry, "0.9", r -> r.p90().toNanos());
        rtt(registry, "0.99", r -> r.p99().toNanos());
        rtt(registry, "1.0", r -> r.max().toNanos());
    }

    private void counter(MeterRegistry registry, String name, String description, Tags t,
                         ToDoubleFunction<ClusterStats> f) {
        FunctionCounter.builder(name, cluster, c -> f.applyAsDouble(c.stats()))
                .description(description).tags(t).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<ClusterStats> f) {
        Gauge.builder(name, cluster, c -> f.applyAsDouble(c.stats())).description(description).tags(tags).register(registry);
    }

    private void rtt(MeterRegistry registry, String quantile, ToDoubleFunction<ClusterStats.RoundTrips> f) {
        Gauge.builder("tamtam.probe.rtt.seconds", cluster, c -> f.applyAsDouble(c.stats().probeRoundTrips()) / 1e9)
                .description("recent probe round trips")
                .tags(Tags.of(tags).and("quantile", quantile))
                .register(registry);
    }
}
