package io.tamtam;

import io.tamtam.spi.CipherFactory;
import io.tamtam.spi.Codec;
import io.tamtam.spi.Compressor;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.NanoClock;
import io.tamtam.spi.Scheduler;
import io.tamtam.spi.SeedProvider;
import io.tamtam.spi.StreamTransport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The immutable configuration of one node, built by {@link Builder} from a preset:
 * {@link #lan()} (the default), {@link #wan()} or {@link #local()}.
 *
 * <p>Every default is a named constant whose javadoc states its trade-off. {@link Builder#build()}
 * validates every field and names the field and its allowed range when one is out of it. Pluggable
 * parts left unset (codec, compressor, cipher factory, transports) are found with
 * {@link java.util.ServiceLoader} when the cluster is created.
 */
public final class ClusterConfig {

    // ------------------------------------------------------------------ defaults (LAN)

    /**
     * Default port, used for both the datagram and the stream path. Port 0 picks a free port (tests,
     * several nodes on one host).
     */
    public static final int DEFAULT_PORT = 7946;

    /**
     * How often a node probes one member, in round-robin order. Shorter finds failures sooner at the
     * cost of more probe traffic: every node sends about one probe per interval whatever the cluster
     * size, so load per node is constant. 500 ms on a LAN.
     */
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(500);

    /**
     * How long a direct probe waits for its ack before indirect probes are sent. Must exceed the
     * network's round-trip time plus scheduling delays (a GC pause); Lifeguard's local health scales it
     * up when this node itself is slow. 250 ms on a LAN.
     */
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofMillis(250);

    /**
     * How many members are asked to probe a target that missed the direct probe. More makes a false
     * suspicion from one lossy link less likely, at k extra messages per failed probe. 3.
     */
    public static final int DEFAULT_INDIRECT_CHECKS = 3;

    /**
     * Scales the minimum suspicion timeout: {@code suspicionMultiplier * log10(max(N, 10)) *
     * probeInterval}. Larger tolerates slower refutation (fewer false positives) but declares real
     * failures later. 3: at N=64 and 500 ms probes the minimum is 2.7 s.
     */
    public static final int DEFAULT_SUSPICION_MULTIPLIER = 3;

    /**
     * The suspicion timeout starts at {@code suspicionMaxMultiplier} times the minimum and shrinks
     * toward the minimum as other members independently confirm the suspicion (Lifeguard). A large
     * value protects a node that only one member cannot reach. 6.
     */
    public static final int DEFAULT_SUSPICION_MAX_MULTIPLIER = 6;

    /**
     * The highest local health score (Lifeguard). At score s, this node's probe interval and timeout
     * are multiplied by (s + 1), so a node that is itself slow or overloaded probes less and waits
     * longer instead of suspecting healthy members. 8.
     */
    public static final int DEFAULT_AWARENESS_MAX_MULTIPLIER = 8;

    /**
     * How often a node piggybacks pending dissemination items on a gossip message to random members.
     * Shorter spreads changes faster at more packets per second. 200 ms.
     */
    public static final Duration DEFAULT_GOSSIP_INTERVAL = Duration.ofMillis(200);

    /** How many random members each gossip round sends to. 3. */
    public static final int DEFAULT_GOSSIP_FANOUT = 3;

    /**
     * How many members a node pushes a dissemination item to as soon as it first learns it, on top of
     * piggybacking. This is what makes a broadcast reach N nodes in about log(N)/log(fanout+1) network
     * round trips instead of several gossip intervals. 0 turns eager push off. 3.
     */
    public static final int DEFAULT_EAGER_PUSH_FANOUT = 3;

    /**
     * An item is retransmitted {@code retransmitMultiplier * ceil(log10(N + 1))} times (lambda in the
     * SWIM paper). Larger makes delivery under loss more certain at more bytes per packet. 4.
     */
    public static final int DEFAULT_RETRANSMIT_MULTIPLIER = 4;

    /**
     * The most dissemination items a node holds for sending. When full, the item with the most
     * transmissions already done is evicted (it has spread the furthest) and counted in
     * {@link ClusterStats#broadcastsEvicted()}. 4096.
     */
    public static final int DEFAULT_BROADCAST_QUEUE_CAPACITY = 4096;

    /**
     * How often a node exchanges its full membership with one random member (anti-entropy). Beyond 32
     * live members the interval grows linearly, by N/32, so that the bytes each node sends for it stay
     * flat as the cluster grows (a full state is N records). 30 s.
     */
    public static final Duration DEFAULT_PUSH_PULL_INTERVAL = Duration.ofSeconds(30);

    /**
     * How long a DEAD or LEFT member is remembered (and still gossiped about) before it is REMOVED.
     * Longer protects against a stale ALIVE resurrecting it; shorter frees memory sooner. 30 s.
     */
    public static final Duration DEFAULT_DEAD_NODE_RETENTION = Duration.ofSeconds(30);

    /**
     * The largest datagram sent. A packet larger than this after compression and encryption travels
     * over the stream path instead. 1400 bytes fits a 1500-byte Ethernet MTU with IP and UDP headers
     * and room for tunnels.
     */
    public static final int DEFAULT_MAX_DATAGRAM_SIZE = 1400;

    /**
     * Datagrams to one node within 10 ms: a receiver's socket buffer holds only a few thousand datagrams,
     * and what a burst overflows is lost. Protocol packets beyond it go over the stream path instead;
     * {@link Cluster#send} messages, gathered several to a datagram, wait for the next window instead,
     * and spill onto the stream path only when more than 16 windows' worth wait. Best-effort messages
     * that spill may overtake or be overtaken by datagrams. 0 never waits or spills: every packet that
     * fits a datagram goes by datagram at once, and bursts may lose some. 256: up to 25,600 datagrams
     * (35 MB) a second per node; a window of 256 datagrams of 1,400 bytes takes about 590 KB of the
     * receiver's socket buffer, 7% of the 8 MiB the UDP transport gets with {@code rmem_max} at 4 MiB.
     */
    public static final int DEFAULT_DATAGRAM_BURST_LIMIT = 256;

    /**
     * The largest frame on the stream path, which bounds the largest message and what one inbound
     * frame may allocate. 16 MiB.
     */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

    /**
     * The largest encoded metadata of one node. Metadata travels in membership messages that must fit a
     * datagram, so it is kept small. 512 bytes.
     */
    public static final int DEFAULT_MAX_METADATA_BYTES = 512;

    /**
     * The largest application state ({@link Cluster#appState()}) a node publishes or accepts from
     * another: it travels in every push-pull exchange, so it costs bandwidth at each one. Range 0 to
     * {@code maxFrameSize / 2}. 64 KiB.
     */
    public static final int DEFAULT_MAX_APP_STATE_BYTES = 64 * 1024;

    /** Packets with a body at least this large are compressed when a compressor is present. 512 bytes. */
    public static final int DEFAULT_COMPRESSION_MIN_BYTES = 512;

    /** How long a join waits for each seed's answer. 5 s. */
    public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofSeconds(5);

    /** How long opening a stream-path connection may take. 3 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);

    /**
     * A pooled stream-path connection idle this long is closed, which keeps file descriptors per node
     * small. 15 s.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(15);

    /** A write that makes no progress for this long fails. 10 s. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * An accepted stream-path connection that has not sent its 8-byte preface within this is closed and
     * counted as {@link DropReason#SLOW_SENDER}. Shorter frees sockets held by silent peers sooner; too
     * short cuts honest peers on a slow or lossy network. 2 s.
     */
    public static final Duration DEFAULT_PREFACE_TIMEOUT = Duration.ofSeconds(2);

    /**
     * Bytes per second an inbound frame must keep up while it arrives, once it is older than
     * {@link #DEFAULT_RECEIVE_GRACE}: by {@code grace + t} after its first byte, at least {@code rate × t}
     * of its bytes must have arrived, else the connection is closed ({@link DropReason#SLOW_SENDER}).
     * Higher frees memory held by trickling senders sooner; too high cuts honest senders on slow links.
     * 128 KiB/s.
     */
    public static final int DEFAULT_MIN_RECEIVE_RATE = 128 * 1024;

    /**
     * How long an inbound frame may lag before {@link #DEFAULT_MIN_RECEIVE_RATE} applies, and how long a
     * large frame may wait for room in {@link #DEFAULT_INBOUND_BUFFER_BUDGET} before its connection is
     * closed ({@link DropReason#OVER_BUDGET}). Longer tolerates pauses; shorter frees memory sooner. 5 s.
     */
    public static final Duration DEFAULT_RECEIVE_GRACE = Duration.ofSeconds(5);

    /**
     * Most accepted stream-path connections (frames and dedicated streams) open at once; one beyond is
     * closed at once ({@link DropReason#CONNECTION_LIMIT}). Bounds sockets and the buffers outside
     * {@link #DEFAULT_INBOUND_BUFFER_BUDGET} (up to about 128 KiB per connection: a frame of at most 64 KiB
     * being received, plus one socket read); too low refuses peers of a large cluster. 1024.
     */
    public static final int DEFAULT_MAX_INBOUND_CONNECTIONS = 1024;

    /**
     * Most accepted stream-path connections open at once from one remote IP; one beyond is closed at once
     * ({@link DropReason#CONNECTION_LIMIT}). Nodes sharing a host share an IP, so raise it for more than
     * about 200 nodes per host. 256.
     */
    public static final int DEFAULT_MAX_INBOUND_CONNECTIONS_PER_IP = 256;

    /**
     * Bytes a node may hold at once, across all connections, for inbound frames larger than 64 KiB. Such
     * a frame reserves its length from this budget when its length prefix arrives; one that does not fit
     * stops reading its connection until the budget frees, for at most {@link #DEFAULT_RECEIVE_GRACE}.
     * Must be at least {@code maxFrameSize}. Lower bounds memory an unauthenticated peer can make a node
     * hold; higher lets more large frames arrive at once. 32 MiB.
     */
    public static final int DEFAULT_INBOUND_BUFFER_BUDGET = 32 * 1024 * 1024;

    /** How long {@link Cluster#sendReliable} waits for the receiver's acknowledgement. 10 s. */
    public static final Duration DEFAULT_RELIABLE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Most listeners and handlers of one node running at once without a callback executor of the user's,
     * on threads shared by the JVM's nodes (made on demand, ended when idle) or a runtime's. 2.
     */
    public static final int DEFAULT_CALLBACK_THREADS = 2;

    /**
     * The longest wait between two attempts to reach one lost member (a DEAD one, one reaped after a
     * long partition or one read from the snapshot file) or to re-resolve the seeds while this node is
     * alone: attempts start at the probe interval and double up to this. Shorter heals a partition sooner
     * after the network heals, at the cost of a connection attempt per lost member per interval. 4 s.
     */
    public static final Duration DEFAULT_REJOIN_MAX_BACKOFF = Duration.ofSeconds(4);

    /** Most members written to the snapshot file, and read back from it. 4096. */
    public static final int MAX_SNAPSHOT_MEMBERS = 4096;

    /** Most addresses a node advertises ({@link Builder#advertiseAddresses}). 8. */
    public static final int MAX_ADVERTISE_ADDRESSES = 8;

    /** Most bytes the advertised addresses take in a member record, 1 + length each. 512. */
    public static final int MAX_ADVERTISE_ADDRESS_BYTES = 512;

    // ------------------------------------------------------------------ fields

    private final UUID nodeId;
    private final InetSocketAddress bindAddress;
    private final InetSocketAddress advertiseAddress;
    private final java.util.List<NodeAddress> advertiseAddresses;
    private final String applicationVersion;
    private final Predicate<String> applicationVersionCheck;
    private final Duration probeInterval;
    private final Duration probeTimeout;
    private final int indirectChecks;
    private final int suspicionMultiplier;
    private final int suspicionMaxMultiplier;
    private final int awarenessMaxMultiplier;
    private final Duration gossipInterval;
    private final int gossipFanout;
    private final int eagerPushFanout;
    private final int retransmitMultiplier;
    private final int broadcastQueueCapacity;
    private final Duration pushPullInterval;
    private final Duration deadNodeRetention;
    private final int maxDatagramSize;
    private final int datagramBurstLimit;
    private final int maxFrameSize;
    private final int maxMetadataBytes;
    private final int maxAppStateBytes;
    private final int compressionMinBytes;
    private final Duration joinTimeout;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final Duration writeTimeout;
    private final Duration prefaceTimeout;
    private final int minReceiveRate;
    private final Duration receiveGrace;
    private final int maxInboundConnections;
    private final int maxInboundConnectionsPerIp;
    private final int inboundBufferBudget;
    private final Duration reliableTimeout;
    private final Codec codec;
    private final Compressor compressor;
    private final boolean compressionDisabled;
    private final CipherFactory cipherFactory;
    private final List<byte[]> encryptionKeys;
    private final DatagramTransport.Factory datagramTransport;
    private final StreamTransport.Factory streamTransport;
    private final SeedProvider seedProvider;
    private final Executor callbackExecutor;
    private final ErrorHandler errorHandler;
    private final NanoClock clock;
    private final Scheduler scheduler;
    private final Long randomSeed;
    private final String clusterLabel;
    private final java.nio.file.Path snapshotFile;
    private final Duration rejoinMaxBackoff;
    private final io.tamtam.transfer.TransferConfig transfers;
    private final ClusterRuntime runtime;

    private ClusterConfig(Builder b) {
        nodeId = b.nodeId;
        bindAddress = b.bindAddress;
        advertiseAddress = b.advertiseAddress;
        advertiseAddresses = b.advertiseAddresses;
        applicationVersion = b.applicationVersion;
        applicationVersionCheck = b.applicationVersionCheck;
        probeInterval = b.probeInterval;
        probeTimeout = b.probeTimeout;
        indirectChecks = b.indirectChecks;
        suspicionMultiplier = b.suspicionMultiplier;
        suspicionMaxMultiplier = b.suspicionMaxMultiplier;
        awarenessMaxMultiplier = b.awarenessMaxMultiplier;
        gossipInterval = b.gossipInterval;
        gossipFanout = b.gossipFanout;
        eagerPushFanout = b.eagerPushFanout;
        retransmitMultiplier = b.retransmitMultiplier;
        broadcastQueueCapacity = b.broadcastQueueCapacity;
        pushPullInterval = b.pushPullInterval;
        deadNodeRetention = b.deadNodeRetention;
        maxDatagramSize = b.maxDatagramSize;
        datagramBurstLimit = b.datagramBurstLimit;
        maxFrameSize = b.maxFrameSize;
        maxMetadataBytes = b.maxMetadataBytes;
        maxAppStateBytes = b.maxAppStateBytes;
        compressionMinBytes = b.compressionMinBytes;
        joinTimeout = b.joinTimeout;
        connectTimeout = b.connectTimeout;
        idleTimeout = b.idleTimeout;
        writeTimeout = b.writeTimeout;
        prefaceTimeout = b.prefaceTimeout;
        minReceiveRate = b.minReceiveRate;
        receiveGrace = b.receiveGrace;
        maxInboundConnections = b.maxInboundConnections;
        maxInboundConnectionsPerIp = b.maxInboundConnectionsPerIp;
        inboundBufferBudget = b.inboundBufferBudget;
        reliableTimeout = b.reliableTimeout;
        codec = b.codec;
        compressor = b.compressor;
        compressionDisabled = b.compressionDisabled;
        cipherFactory = b.cipherFactory;
        encryptionKeys = b.encryptionKeys.stream().map(byte[]::clone).toList();
        datagramTransport = b.datagramTransport;
        streamTransport = b.streamTransport;
        seedProvider = b.seedProvider;
        callbackExecutor = b.callbackExecutor;
        errorHandler = b.errorHandler;
        clock = b.clock;
        scheduler = b.scheduler;
        randomSeed = b.randomSeed;
        clusterLabel = b.clusterLabel;
        snapshotFile = b.snapshotFile;
        rejoinMaxBackoff = b.rejoinMaxBackoff;
        transfers = b.transfers;
        runtime = b.runtime;
    }

    // ------------------------------------------------------------------ presets

    /** @return a builder with LAN defaults (the constants of this class), bound to port 7946 on all interfaces */
    public static Builder lan() {
        return new Builder();
    }

    /** @return LAN defaults; same as {@link #lan()} */
    public static Builder builder() {
        return lan();
    }

    /**
     * @return a builder for links with high latency: probe interval 3 s, probe timeout 2 s, gossip
     *         interval 500 ms, suspicion multiplier 6, push-pull every 60 s
     */
    public static Builder wan() {
        return new Builder()
                .probeInterval(Duration.ofSeconds(3))
                .probeTimeout(Duration.ofSeconds(2))
                .gossipInterval(Duration.ofMillis(500))
                .suspicionMultiplier(6)
                .pushPullInterval(Duration.ofSeconds(60))
                .joinTimeout(Duration.ofSeconds(10));
    }

    /**
     * @return a builder for nodes on one host (loopback): bound to 127.0.0.1 port 0, probe interval
     *         200 ms, probe timeout 100 ms, gossip interval 100 ms, push-pull every 15 s
     */
    public static Builder local() {
        return new Builder()
                .bindAddress(new InetSocketAddress("127.0.0.1", 0))
                .probeInterval(Duration.ofMillis(200))
                .probeTimeout(Duration.ofMillis(100))
                .gossipInterval(Duration.ofMillis(100))
                .pushPullInterval(Duration.ofSeconds(15))
                .deadNodeRetention(Duration.ofSeconds(15));
    }

    /** @return a builder holding this configuration's values */
    public Builder toBuilder() {
        return new Builder(this);
    }

    // ------------------------------------------------------------------ accessors

    /** @return the node id, or null to generate a UUIDv7 */
    public UUID nodeId() { return nodeId; }

    /** @return the address both paths bind */
    public InetSocketAddress bindAddress() { return bindAddress; }

    /** @return the address announced to others, or null for the bound address */
    public InetSocketAddress advertiseAddress() { return advertiseAddress; }

    /** @return the addresses announced with their schemes, in order of preference; empty for none */
    public java.util.List<NodeAddress> advertiseAddresses() { return advertiseAddresses; }

    /** @return this node's application version */
    public String applicationVersion() { return applicationVersion; }

    /** @return accepts the application versions of nodes this node may cluster with */
    public Predicate<String> applicationVersionCheck() { return applicationVersionCheck; }

    /** @return see {@link #DEFAULT_PROBE_INTERVAL} */
    public Duration probeInterval() { return probeInterval; }

    /** @return see {@link #DEFAULT_PROBE_TIMEOUT} */
    public Duration probeTimeout() { return probeTimeout; }

    /** @return see {@link #DEFAULT_INDIRECT_CHECKS} */
    public int indirectChecks() { return indirectChecks; }

    /** @return see {@link #DEFAULT_SUSPICION_MULTIPLIER} */
    public int suspicionMultiplier() { return suspicionMultiplier; }

    /** @return see {@link #DEFAULT_SUSPICION_MAX_MULTIPLIER} */
    public int suspicionMaxMultiplier() { return suspicionMaxMultiplier; }

    /** @return see {@link #DEFAULT_AWARENESS_MAX_MULTIPLIER} */
    public int awarenessMaxMultiplier() { return awarenessMaxMultiplier; }

    /** @return see {@link #DEFAULT_GOSSIP_INTERVAL} */
    public Duration gossipInterval() { return gossipInterval; }

    /** @return see {@link #DEFAULT_GOSSIP_FANOUT} */
    public int gossipFanout() { return gossipFanout; }

    /** @return see {@link #DEFAULT_EAGER_PUSH_FANOUT} */
    public int eagerPushFanout() { return eagerPushFanout; }

    /** @return see {@link #DEFAULT_RETRANSMIT_MULTIPLIER} */
    public int retransmitMultiplier() { return retransmitMultiplier; }

    /** @return see {@link #DEFAULT_BROADCAST_QUEUE_CAPACITY} */
    public int broadcastQueueCapacity() { return broadcastQueueCapacity; }

    /** @return see {@link #DEFAULT_PUSH_PULL_INTERVAL} */
    public Duration pushPullInterval() { return pushPullInterval; }

    /** @return see {@link #DEFAULT_DEAD_NODE_RETENTION} */
    public Duration deadNodeRetention() { return deadNodeRetention; }

    /** @return see {@link #DEFAULT_MAX_DATAGRAM_SIZE} */
    public int maxDatagramSize() { return maxDatagramSize; }

    /** @return see {@link #DEFAULT_DATAGRAM_BURST_LIMIT} */
    public int datagramBurstLimit() { return datagramBurstLimit; }

    /** @return see {@link #DEFAULT_MAX_FRAME_SIZE} */
    public int maxFrameSize() { return maxFrameSize; }

    /** @return see {@link #DEFAULT_MAX_METADATA_BYTES} */
    public int maxMetadataBytes() { return maxMetadataBytes; }

    /** @return see {@link #DEFAULT_MAX_APP_STATE_BYTES} */
    public int maxAppStateBytes() { return maxAppStateBytes; }

    /** @return see {@link #DEFAULT_COMPRESSION_MIN_BYTES} */
    public int compressionMinBytes() { return compressionMinBytes; }

    /** @return see {@link #DEFAULT_JOIN_TIMEOUT} */
    public Duration joinTimeout() { return joinTimeout; }

    /** @return see {@link #DEFAULT_CONNECT_TIMEOUT} */
    public Duration connectTimeout() { return connectTimeout; }

    /** @return see {@link #DEFAULT_IDLE_TIMEOUT} */
    public Duration idleTimeout() { return idleTimeout; }

    /** @return see {@link #DEFAULT_WRITE_TIMEOUT} */
    public Duration writeTimeout() { return writeTimeout; }

    /** @return see {@link #DEFAULT_PREFACE_TIMEOUT} */
    public Duration prefaceTimeout() { return prefaceTimeout; }

    /** @return see {@link #DEFAULT_MIN_RECEIVE_RATE} */
    public int minReceiveRate() { return minReceiveRate; }

    /** @return see {@link #DEFAULT_RECEIVE_GRACE} */
    public Duration receiveGrace() { return receiveGrace; }

    /** @return see {@link #DEFAULT_MAX_INBOUND_CONNECTIONS} */
    public int maxInboundConnections() { return maxInboundConnections; }

    /** @return see {@link #DEFAULT_MAX_INBOUND_CONNECTIONS_PER_IP} */
    public int maxInboundConnectionsPerIp() { return maxInboundConnectionsPerIp; }

    /** @return see {@link #DEFAULT_INBOUND_BUFFER_BUDGET} */
    public int inboundBufferBudget() { return inboundBufferBudget; }

    /** @return see {@link #DEFAULT_RELIABLE_TIMEOUT} */
    public Duration reliableTimeout() { return reliableTimeout; }

    /** @return the payload codec, or null to find one with ServiceLoader */
    public Codec codec() { return codec; }

    /** @return the compressor, or null to find one with ServiceLoader */
    public Compressor compressor() { return compressor; }

    /** @return whether outgoing compression is off (inbound compressed packets are still accepted) */
    public boolean compressionDisabled() { return compressionDisabled; }

    /** @return the cipher factory, or null to find one with ServiceLoader when keys are set */
    public CipherFactory cipherFactory() { return cipherFactory; }

    /** @return encryption keys, the first one encrypts, all are tried to decrypt; empty for none */
    public List<byte[]> encryptionKeys() { return encryptionKeys.stream().map(byte[]::clone).toList(); }

    /** @return the datagram transport factory, or null to find one with ServiceLoader */
    public DatagramTransport.Factory datagramTransport() { return datagramTransport; }

    /** @return the stream transport factory, or null to find one with ServiceLoader */
    public StreamTransport.Factory streamTransport() { return streamTransport; }

    /** @return where {@link Cluster#join()} finds seeds, or null */
    public SeedProvider seedProvider() { return seedProvider; }

    /** @return the executor for user callbacks, or null for a default pool the node owns */
    public Executor callbackExecutor() { return callbackExecutor; }

    /** @return receives background faults */
    public ErrorHandler errorHandler() { return errorHandler; }

    /** @return the protocol's clock */
    public NanoClock clock() { return clock; }

    /** @return the protocol's scheduler, or null for a thread the node owns */
    public Scheduler scheduler() { return scheduler; }

    /** @return the seed of the protocol's randomness, or null for a random seed */
    public Long randomSeed() { return randomSeed; }

    /** @return the cluster label every packet carries and must match; empty for none */
    public String clusterLabel() { return clusterLabel; }

    /** @return the file of known members this node writes and rejoins through at start, or null for none */
    public java.nio.file.Path snapshotFile() { return snapshotFile; }

    /** @return see {@link #DEFAULT_REJOIN_MAX_BACKOFF} */
    public Duration rejoinMaxBackoff() { return rejoinMaxBackoff; }
    /** @return how this node sends and receives large transfers; {@link io.tamtam.transfer.TransferConfig#defaults()} unless set */
    public io.tamtam.transfer.TransferConfig transfers() { return transfers; }
    /** @return the threads this node shares with other nodes, or null for a protocol thread of its own */
    public ClusterRuntime runtime() { return runtime; }

    // ------------------------------------------------------------------ builder

    /** Builds a {@link ClusterConfig}; not thread-safe. */
    public static final class Builder {
        private UUID nodeId;
        private InetSocketAddress bindAddress = new InetSocketAddress(DEFAULT_PORT);
        private InetSocketAddress advertiseAddress;
        private java.util.List<NodeAddress> advertiseAddresses = java.util.List.of();
        private String applicationVersion = "";
        private Predicate<String> applicationVersionCheck = v -> true;
        private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
        private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;
        private int indirectChecks = DEFAULT_INDIRECT_CHECKS;
        private int suspicionMultiplier = DEFAULT_SUSPICION_MULTIPLIER;
        private int suspicionMaxMultiplier = DEFAULT_SUSPICION_MAX_MULTIPLIER;
        private int awarenessMaxMultiplier = DEFAULT_AWARENESS_MAX_MULTIPLIER;
        private Duration gossipInterval = DEFAULT_GOSSIP_INTERVAL;
        private int gossipFanout = DEFAULT_GOSSIP_FANOUT;
        private int eagerPushFanout = DEFAULT_EAGER_PUSH_FANOUT;
        private int retransmitMultiplier = DEFAULT_RETRANSMIT_MULTIPLIER;
        private int broadcastQueueCapacity = DEFAULT_BROADCAST_QUEUE_CAPACITY;
        private Duration pushPullInterval = DEFAULT_PUSH_PULL_INTERVAL;
        private Duration deadNodeRetention = DEFAULT_DEAD_NODE_RETENTION;
        private int maxDatagramSize = DEFAULT_MAX_DATAGRAM_SIZE;
        private int datagramBurstLimit = DEFAULT_DATAGRAM_BURST_LIMIT;
        private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
        private int maxMetadataBytes = DEFAULT_MAX_METADATA_BYTES;
        private int maxAppStateBytes = DEFAULT_MAX_APP_STATE_BYTES;
        private int compressionMinBytes = DEFAULT_COMPRESSION_MIN_BYTES;
        private Duration joinTimeout = DEFAULT_JOIN_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
        private Duration prefaceTimeout = DEFAULT_PREFACE_TIMEOUT;
        private int minReceiveRate = DEFAULT_MIN_RECEIVE_RATE;
        private Duration receiveGrace = DEFAULT_RECEIVE_GRACE;
        private int maxInboundConnections = DEFAULT_MAX_INBOUND_CONNECTIONS;
        private int maxInboundConnectionsPerIp = DEFAULT_MAX_INBOUND_CONNECTIONS_PER_IP;
        private int inboundBufferBudget = DEFAULT_INBOUND_BUFFER_BUDGET;
        private Duration reliableTimeout = DEFAULT_RELIABLE_TIMEOUT;
        private Codec codec;
        private Compressor compressor;
        private boolean compressionDisabled;
        private CipherFactory cipherFactory;
        private List<byte[]> encryptionKeys = new ArrayList<>();
        private DatagramTransport.Factory datagramTransport;
        private StreamTransport.Factory streamTransport;
        private SeedProvider seedProvider;
        private Executor callbackExecutor;
        private ErrorHandler errorHandler;
        private NanoClock clock = NanoClock.SYSTEM;
        private Scheduler scheduler;
        private Long randomSeed;
        private String clusterLabel = "";
        private java.nio.file.Path snapshotFile;
        private Duration rejoinMaxBackoff = DEFAULT_REJOIN_MAX_BACKOFF;
        private io.tamtam.transfer.TransferConfig transfers = io.tamtam.transfer.TransferConfig.defaults();
        private ClusterRuntime runtime;

        private Builder() {
        }

        private Builder(ClusterConfig c) {
            nodeId = c.nodeId;
            bindAddress = c.bindAddress;
            advertiseAddress = c.advertiseAddress;
            advertiseAddresses = c.advertiseAddresses;
            applicationVersion = c.applicationVersion;
            applicationVersionCheck = c.applicationVersionCheck;
            probeInterval = c.probeInterval;
            probeTimeout = c.probeTimeout;
            indirectChecks = c.indirectChecks;
            suspicionMultiplier = c.suspicionMultiplier;
            suspicionMaxMultiplier = c.suspicionMaxMultiplier;
            awarenessMaxMultiplier = c.awarenessMaxMultiplier;
            gossipInterval = c.gossipInterval;
            gossipFanout = c.gossipFanout;
            eagerPushFanout = c.eagerPushFanout;
            retransmitMultiplier = c.retransmitMultiplier;
            broadcastQueueCapacity = c.broadcastQueueCapacity;
            pushPullInterval = c.pushPullInterval;
            deadNodeRetention = c.deadNodeRetention;
            maxDatagramSize = c.maxDatagramSize;
            datagramBurstLimit = c.datagramBurstLimit;
            maxFrameSize = c.maxFrameSize;
            maxMetadataBytes = c.maxMetadataBytes;
            maxAppStateBytes = c.maxAppStateBytes;
            compressionMinBytes = c.compressionMinBytes;
            joinTimeout = c.joinTimeout;
            connectTimeout = c.connectTimeout;
            idleTimeout = c.idleTimeout;
            writeTimeout = c.writeTimeout;
            prefaceTimeout = c.prefaceTimeout;
            minReceiveRate = c.minReceiveRate;
            receiveGrace = c.receiveGrace;
            maxInboundConnections = c.maxInboundConnections;
            maxInboundConnectionsPerIp = c.maxInboundConnectionsPerIp;
            inboundBufferBudget = c.inboundBufferBudget;
            reliableTimeout = c.reliableTimeout;
            codec = c.codec;
            compressor = c.compressor;
            compressionDisabled = c.compressionDisabled;
            cipherFactory = c.cipherFactory;
            encryptionKeys = new ArrayList<>(c.encryptionKeys);
            datagramTransport = c.datagramTransport;
            streamTransport = c.streamTransport;
            seedProvider = c.seedProvider;
            callbackExecutor = c.callbackExecutor;
            errorHandler = c.errorHandler;
            clock = c.clock;
            scheduler = c.scheduler;
            randomSeed = c.randomSeed;
            clusterLabel = c.clusterLabel;
            snapshotFile = c.snapshotFile;
            rejoinMaxBackoff = c.rejoinMaxBackoff;
            transfers = c.transfers;
            runtime = c.runtime;
        }

        /** @param v this node's id; by default a UUIDv7 is generated @return this */
        public Builder nodeId(UUID v) { nodeId = v; return this; }

        /** @param v the address both paths bind; port 0 picks a free port @return this */
        public Builder bindAddress(InetSocketAddress v) { bindAddress = v; return this; }

        /** @param v the address announced to others (behind NAT); null for the bound one @return this */
        public Builder advertiseAddress(InetSocketAddress v) { advertiseAddress = v; return this; }

        /**
         * Every address this node can be reached at, each with the scheme of its transport, in order of
         * preference ({@code udp+tcp://host:port}, {@code ws://host:port/path}, {@code wss://host:port/path}).
         * Members see them in {@link Node#addresses()}; with none (the default) a node is reached at its one
         * {@code udp+tcp} {@link #advertiseAddress}.
         *
         * @param v at most {@value #MAX_ADVERTISE_ADDRESSES} addresses of at most
         *          {@value #MAX_ADVERTISE_ADDRESS_BYTES} bytes in all, no repeats; empty for none
         * @return this
         * @throws IllegalArgumentException when the list is too long or repeats an address
         */
        public Builder advertiseAddresses(java.util.List<NodeAddress> v) {
            java.util.List<NodeAddress> list = java.util.List.copyOf(v);
            int bytes = 0;
            for (NodeAddress a : list) {
                bytes += 1 + a.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
            if (list.size() > MAX_ADVERTISE_ADDRESSES || bytes > MAX_ADVERTISE_ADDRESS_BYTES) {
                throw new IllegalArgumentException("advertiseAddresses: " + list.size() + " addresses of " + bytes
                        + " bytes exceed " + MAX_ADVERTISE_ADDRESSES + " addresses or " + MAX_ADVERTISE_ADDRESS_BYTES
                        + " bytes; advertise fewer or shorter addresses");
            }
            if (new java.util.HashSet<>(list).size() != list.size()) {
                throw new IllegalArgumentException("advertiseAddresses repeats an address: " + list);
            }
            advertiseAddresses = list;
            return this;
        }

        /** @param v this node's application version, at most 255 UTF-8 bytes @return this */
        public Builder applicationVersion(String v) { applicationVersion = v; return this; }

        /**
         * @param v accepts the application versions this node clusters with; others are refused. It runs on the
         *          protocol thread for each new member's record and each push-pull, so it must be quick and
         *          must not block (compare strings; no I/O, no locks held elsewhere)
         * @return this
         */
        public Builder applicationVersionCheck(Predicate<String> v) { applicationVersionCheck = v; return this; }

        /** @param v see {@link #DEFAULT_PROBE_INTERVAL} @return this */
        public Builder probeInterval(Duration v) { probeInterval = v; return this; }

        /** @param v see {@link #DEFAULT_PROBE_TIMEOUT} @return this */
        public Builder probeTimeout(Duration v) { probeTimeout = v; return this; }

        /** @param v see {@link #DEFAULT_INDIRECT_CHECKS} @return this */
        public Builder indirectChecks(int v) { indirectChecks = v; return this; }

        /** @param v see {@link #DEFAULT_SUSPICION_MULTIPLIER} @return this */
        public Builder suspicionMultiplier(int v) { suspicionMultiplier = v; return this; }

        /** @param v see {@link #DEFAULT_SUSPICION_MAX_MULTIPLIER} @return this */
        public Builder suspicionMaxMultiplier(int v) { suspicionMaxMultiplier = v; return this; }

        /** @param v see {@link #DEFAULT_AWARENESS_MAX_MULTIPLIER} @return this */
        public Builder awarenessMaxMultiplier(int v) { awarenessMaxMultiplier = v; return this; }

        /** @param v see {@link #DEFAULT_GOSSIP_INTERVAL} @return this */
        public Builder gossipInterval(Duration v) { gossipInterval = v; return this; }

        /** @param v see {@link #DEFAULT_GOSSIP_FANOUT} @return this */
        public Builder gossipFanout(int v) { gossipFanout = v; return this; }

        /** @param v see {@link #DEFAULT_EAGER_PUSH_FANOUT} @return this */
        public Builder eagerPushFanout(int v) { eagerPushFanout = v; return this; }

        /** @param v see {@link #DEFAULT_RETRANSMIT_MULTIPLIER} @return this */
        public Builder retransmitMultiplier(int v) { retransmitMultiplier = v; return this; }

        /** @param v see {@link #DEFAULT_BROADCAST_QUEUE_CAPACITY} @return this */
        public Builder broadcastQueueCapacity(int v) { broadcastQueueCapacity = v; return this; }

        /** @param v see {@link #DEFAULT_PUSH_PULL_INTERVAL} @return this */
        public Builder pushPullInterval(Duration v) { pushPullInterval = v; return this; }

        /** @param v see {@link #DEFAULT_DEAD_NODE_RETENTION} @return this */
        public Builder deadNodeRetention(Duration v) { deadNodeRetention = v; return this; }

        /** @param v see {@link #DEFAULT_MAX_DATAGRAM_SIZE} @return this */
        public Builder maxDatagramSize(int v) { maxDatagramSize = v; return this; }

        /** @param v see {@link #DEFAULT_DATAGRAM_BURST_LIMIT}; 0 to never spill @return this */
        public Builder datagramBurstLimit(int v) { datagramBurstLimit = v; return this; }

        /** @param v see {@link #DEFAULT_MAX_FRAME_SIZE} @return this */
        public Builder maxFrameSize(int v) { maxFrameSize = v; return this; }

        /** @param v see {@link #DEFAULT_MAX_METADATA_BYTES} @return this */
        public Builder maxMetadataBytes(int v) { maxMetadataBytes = v; return this; }

        /** @param v see {@link #DEFAULT_MAX_APP_STATE_BYTES} @return this */
        public Builder maxAppStateBytes(int v) { maxAppStateBytes = v; return this; }

        /** @param v see {@link #DEFAULT_COMPRESSION_MIN_BYTES} @return this */
        public Builder compressionMinBytes(int v) { compressionMinBytes = v; return this; }

        /** @param v see {@link #DEFAULT_JOIN_TIMEOUT} @return this */
        public Builder joinTimeout(Duration v) { joinTimeout = v; return this; }

        /** @param v see {@link #DEFAULT_CONNECT_TIMEOUT} @return this */
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }

        /** @param v see {@link #DEFAULT_IDLE_TIMEOUT} @return this */
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }

        /** @param v see {@link #DEFAULT_WRITE_TIMEOUT} @return this */
        public Builder writeTimeout(Duration v) { writeTimeout = v; return this; }

        /** @param v see {@link #DEFAULT_PREFACE_TIMEOUT} @return this */
        public Builder prefaceTimeout(Duration v) { prefaceTimeout = v; return this; }

        /** @param v bytes per second; see {@link #DEFAULT_MIN_RECEIVE_RATE} @return this */
        public Builder minReceiveRate(int v) { minReceiveRate = v; return this; }

        /** @param v see {@link #DEFAULT_RECEIVE_GRACE} @return this */
        public Builder receiveGrace(Duration v) { receiveGrace = v; return this; }

        /** @param v see {@link #DEFAULT_MAX_INBOUND_CONNECTIONS} @return this */
        public Builder maxInboundConnections(int v) { maxInboundConnections = v; return this; }

        /** @param v see {@link #DEFAULT_MAX_INBOUND_CONNECTIONS_PER_IP} @return this */
        public Builder maxInboundConnectionsPerIp(int v) { maxInboundConnectionsPerIp = v; return this; }

        /** @param v bytes; see {@link #DEFAULT_INBOUND_BUFFER_BUDGET} @return this */
        public Builder inboundBufferBudget(int v) { inboundBufferBudget = v; return this; }

        /** @param v see {@link #DEFAULT_RELIABLE_TIMEOUT} @return this */
        public Builder reliableTimeout(Duration v) { reliableTimeout = v; return this; }

        /** @param v the payload codec; overrides ServiceLoader discovery @return this */
        public Builder codec(Codec v) { codec = v; return this; }

        /** @param v the compressor; overrides ServiceLoader discovery @return this */
        public Builder compressor(Compressor v) { compressor = v; return this; }

        /** @param v true to never compress outgoing packets @return this */
        public Builder compressionDisabled(boolean v) { compressionDisabled = v; return this; }

        /** @param v the cipher factory; overrides ServiceLoader discovery @return this */
        public Builder cipherFactory(CipherFactory v) { cipherFactory = v; return this; }

        /**
         * Turns on encryption: the first key encrypts, every key is tried to decrypt (key rotation).
         * Every packet, inbound and outbound, is then encrypted; plaintext is dropped.
         *
         * @param primary the key that encrypts
         * @param older   keys still accepted for decryption
         * @return this
         */
        public Builder encryptionKeys(byte[] primary, byte[]... older) {
            encryptionKeys = new ArrayList<>();
            encryptionKeys.add(Objects.requireNonNull(primary, "primary").clone());
            for (byte[] k : older) {
                encryptionKeys.add(Objects.requireNonNull(k, "older key").clone());
            }
            return this;
        }

        /** @param v the datagram transport factory; overrides ServiceLoader discovery @return this */
        public Builder datagramTransport(DatagramTransport.Factory v) { datagramTransport = v; return this; }

        /** @param v the stream transport factory; overrides ServiceLoader discovery @return this */
        public Builder streamTransport(StreamTransport.Factory v) { streamTransport = v; return this; }

        /** @param v where {@link Cluster#join()} finds seeds @return this */
        public Builder seedProvider(SeedProvider v) { seedProvider = v; return this; }

        /**
         * @param v runs listeners, handlers, the error handler and future completions; the caller keeps
         *          ownership. With the default (at most {@link #DEFAULT_CALLBACK_THREADS} listeners and
         *          handlers at once on threads shared by the JVM's nodes), futures complete on other shared
         *          threads. Completions held up for 200 ms by user code on this executor move to a shared
         *          thread (see
         *          {@link Cluster}), so even a one-thread executor cannot freeze them
         * @return this
         */
        public Builder callbackExecutor(Executor v) { callbackExecutor = v; return this; }

        /**
         * @param v receives background faults, on the callback executor (see {@link ErrorHandler}); by
         *          default they are logged, rate limited
         * @return this
         */
        public Builder errorHandler(ErrorHandler v) { errorHandler = v; return this; }

        /** @param v the protocol's clock (simulation); by default the system's @return this */
        public Builder clock(NanoClock v) { clock = v; return this; }

        /** @param v the protocol's scheduler (simulation); the caller keeps ownership @return this */
        public Builder scheduler(Scheduler v) { scheduler = v; return this; }

        /** @param v seeds the protocol's randomness, for reproducible simulation @return this */
        public Builder randomSeed(long v) { randomSeed = v; return this; }

        /** @param v transfer settings (directory, part size, window, timeouts) @return this */
        public Builder transfers(io.tamtam.transfer.TransferConfig v) { transfers = Objects.requireNonNull(v, "transfers"); return this; }

        /**
         * Isolates clusters that share a network (memberlist's Label): every packet carries the label
         * after its header, authenticated with the body when keys are set, and a packet with another
         * label, or none, is dropped and counted as {@link DropReason#LABEL_MISMATCH}.
         *
         * @param v the label, 1 to 255 UTF-8 bytes; "" for none (the default)
         * @return this
         */
        public Builder clusterLabel(String v) { clusterLabel = v; return this; }

        /**
         * Keeps a snapshot of the live members in this file (rewritten atomically when the membership
         * changes, at most {@link #MAX_SNAPSHOT_MEMBERS} members), and rejoins through the members it
         * lists when the node starts, without seeds.
         *
         * @param v the file; null for none (the default)
         * @return this
         */
        public Builder snapshotFile(java.nio.file.Path v) { snapshotFile = v; return this; }

        /** @param v see {@link #DEFAULT_REJOIN_MAX_BACKOFF} @return this */
        public Builder rejoinMaxBackoff(Duration v) { rejoinMaxBackoff = v; return this; }

        /**
         * @param v threads shared with other nodes of this JVM (see {@link ClusterRuntime}): the node runs its
         *          protocol on the runtime's protocol threads and, without a {@link #callbackExecutor}, its
         *          callbacks on the runtime's callback threads; the caller keeps ownership. Not together with
         *          {@link #scheduler}. Null (the default): a protocol thread of the node's own
         * @return this
         */
        public Builder runtime(ClusterRuntime v) { runtime = v; return this; }

        /**
         * @return the validated configuration
         * @throws IllegalArgumentException naming the first field out of its allowed range
         */
        public ClusterConfig build() {
            Objects.requireNonNull(bindAddress, "bindAddress must be set, e.g. new InetSocketAddress(0)");
            Objects.requireNonNull(applicationVersion, "applicationVersion must not be null; use \"\" for none");
            Objects.requireNonNull(applicationVersionCheck, "applicationVersionCheck must not be null");
            Objects.requireNonNull(clock, "clock must not be null");
            if (runtime != null && scheduler != null) {
                throw new IllegalArgumentException("set either a scheduler or a runtime, not both: a runtime runs the"
                        + " protocol on its own threads");
            }
            if (applicationVersion.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("applicationVersion must be at most 255 UTF-8 bytes");
            }
            duration("probeInterval", probeInterval, Duration.ofMillis(10), Duration.ofMinutes(1));
            duration("probeTimeout", probeTimeout, Duration.ofMillis(1), probeInterval);
            range("indirectChecks", indirectChecks, 0, 16);
            range("suspicionMultiplier", suspicionMultiplier, 1, 100);
            range("suspicionMaxMultiplier", suspicionMaxMultiplier, 1, 100);
            range("awarenessMaxMultiplier", awarenessMaxMultiplier, 1, 100);
            duration("gossipInterval", gossipInterval, Duration.ofMillis(1), Duration.ofMinutes(1));
            range("gossipFanout", gossipFanout, 1, 64);
            range("eagerPushFanout", eagerPushFanout, 0, 64);
            range("retransmitMultiplier", retransmitMultiplier, 1, 100);
            range("broadcastQueueCapacity", broadcastQueueCapacity, 16, 1 << 20);
            duration("pushPullInterval", pushPullInterval, Duration.ofMillis(100), Duration.ofHours(24));
            duration("deadNodeRetention", deadNodeRetention, Duration.ofMillis(1), Duration.ofDays(1));
            range("maxDatagramSize", maxDatagramSize, 512, 65_507);
            range("datagramBurstLimit", datagramBurstLimit, 0, 1_000_000);
            range("maxFrameSize", maxFrameSize, 64 * 1024, 1 << 30);
            range("maxMetadataBytes", maxMetadataBytes, 0, maxDatagramSize / 2);
            range("maxAppStateBytes", maxAppStateBytes, 0, maxFrameSize / 2);
            range("compressionMinBytes", compressionMinBytes, 0, Integer.MAX_VALUE);
            duration("joinTimeout", joinTimeout, Duration.ofMillis(10), Duration.ofHours(1));
            duration("connectTimeout", connectTimeout, Duration.ofMillis(10), Duration.ofHours(1));
            duration("idleTimeout", idleTimeout, Duration.ofMillis(100), Duration.ofDays(1));
            duration("writeTimeout", writeTimeout, Duration.ofMillis(10), Duration.ofHours(1));
            duration("prefaceTimeout", prefaceTimeout, Duration.ofMillis(10), Duration.ofHours(1));
            range("minReceiveRate", minReceiveRate, 1, Integer.MAX_VALUE);
            duration("receiveGrace", receiveGrace, Duration.ofMillis(10), Duration.ofHours(1));
            range("maxInboundConnections", maxInboundConnections, 1, 1 << 20);
            range("maxInboundConnectionsPerIp", maxInboundConnectionsPerIp, 1, maxInboundConnections);
            range("inboundBufferBudget (at least maxFrameSize)", inboundBufferBudget, maxFrameSize,
                    Integer.MAX_VALUE);
            duration("reliableTimeout", reliableTimeout, Duration.ofMillis(10), Duration.ofHours(1));
            Objects.requireNonNull(clusterLabel, "clusterLabel must not be null; use \"\" for none");
            if (clusterLabel.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("clusterLabel must be at most 255 UTF-8 bytes");
            }
            duration("rejoinMaxBackoff", rejoinMaxBackoff, probeInterval, Duration.ofHours(1));
            if (transfers.partSize() > maxFrameSize - 1024) {
                throw new IllegalArgumentException("transfers.partSize " + transfers.partSize()
                        + " must leave 1024 bytes of maxFrameSize " + maxFrameSize + " for the part's header");
            }
            return new ClusterConfig(this);
        }

        private static void range(String field, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(
                        field + " must be between " + min + " and " + max + ", was " + value);
            }
        }

        private static void duration(String field, Duration value, Duration min, Duration max) {
            if (value == null) {
                throw new IllegalArgumentException(field + " must be set, between " + min + " and " + max);
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(
                        field + " must be between " + min + " and " + max + ", was " + value);
            }
        }
    }
}
