package io.tamtam.discovery.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.tamtam.spi.SeedProvider;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds seeds in DNS, on Netty's DNS resolver: the A and AAAA records of a name (a Kubernetes headless
 * service lists one per ready pod) with a fixed port, or the SRV records of a name, each target resolved to
 * its A and AAAA records with the record's port. Every {@link #seeds()} call asks the servers again (no
 * cache), so a node that rejoins after an outage sees the current answers: {@code Cluster.join()} calls it,
 * and so does the rejoin loop while members are missing (see {@code ClusterConfig.rejoinMaxBackoff}).
 * Thread-safe; {@link #close()} releases its event loop thread.
 *
 * <pre>{@code
 * DnsSeedProvider seeds = DnsSeedProvider.forAddresses("tamtam.default.svc.cluster.local", 7946).build();
 * Cluster cluster = Cluster.create(ClusterConfig.lan().seedProvider(seeds).build());
 * cluster.join();
 * }</pre>
 */
public final class DnsSeedProvider implements SeedProvider, AutoCloseable {
    /** Most seeds one call returns. */
    public static final int MAX_SEEDS = 1024;
    /** How long one query waits for an answer by default: 2 s. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(2);

    private final String name;
    private final int port;
    private final boolean srv;
    private final Duration queryTimeout;
    private final EventLoopGroup group;
    private final DnsNameResolver resolver;

    private DnsSeedProvider(Builder b) {
        this.name = b.name;
        this.port = b.port;
        this.srv = b.srv;
        this.queryTimeout = b.queryTimeout;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("tamtam-dns", true));
        DnsServerAddressStreamProvider servers = b.servers.isEmpty()
                ? DnsServerAddressStreamProviders.platformDefault()
                : new SequentialDnsServerAddressStreamProvider(b.servers.toArray(new InetSocketAddress[0]));
        DnsNameResolverBuilder rb = new DnsNameResolverBuilder(group.next())
                .datagramChannelType(NioDatagramChannel.class)
                .nameServerProvider(servers)
                .queryTimeoutMillis(queryTimeout.toMillis())
                .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .recursionDesired(true);
        if (!b.servers.isEmpty()) {
            rb.searchDomains(List.of()).ndots(1);
        }
        this.resolver = rb.build();
    }

    /**
     * @param name a name whose A and AAAA records are the seeds' addresses, such as a headless service
     * @param port the port of every seed (the cluster's bind port)
     * @return a builder
     */
    public static Builder forAddresses(String name, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }
        return new Builder(checkName(name), port, false);
    }

    /**
     * @param name a name whose SRV records list the seeds (target and port each), such as
     *             {@code _gossip._udp.tamtam.default.svc.cluster.local}
     * @return a builder
     */
    public static Builder forService(String name) {
        return new Builder(checkName(name), 0, true);
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 253) {
            throw new IllegalArgumentException("a DNS name has 1 to 253 characters, was \"" + name + "\"");
        }
        return name;
    }

    /**
     * @return the seeds the servers list now, IPv4 first, without duplicates, at most {@link #MAX_SEEDS}
     * @throws IOException when the name does not resolve (naming it and the reason)
     */
    @Override
    public List<InetSocketAddress> seeds() throws IOException {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        if (srv) {
            for (Target t : srvTargets()) {
                for (InetAddress a : addresses(t.host())) {
                    add(out, new InetSocketAddress(a, t.port()));
                }
            }
        } else {
            for (InetAddress a : addresses(name)) {
                add(out, new InetSocketAddress(a, port));
            }
        }
        return List.copyOf(out);
    }

    private static void add(Set<InetSocketAddress> out, InetSocketAddress a) {
        if (out.size() < MAX_SEEDS) {
            out.add(a);
        }
    }

    private List<InetAddress> addresses(String host) throws IOException {
        return await(resolver.resolveAll(host), host);
    }

    /** One SRV record's target and port. */
    private record Target(String host, int port) {
    }

    private List<Target> srvTargets() throws IOException {
        List<DnsRecord> records = await(resolver.resolveAll(new DefaultDnsQuestion(name, DnsRecordType.SRV)), name + " SRV");
        List<Target> out = new ArrayList<>();
        try {
            for (DnsRecord r : records) {
                if (r.type() != DnsRecordType.SRV || !(r instanceof DnsRawRecord raw) || out.size() == MAX_SEEDS) {
                    continue;
                }
                ByteBuf content = raw.content().duplicate();
                if (content.readableBytes() < 7) {
                    continue; // priority, weight, port and at least the root label
                }
                content.skipBytes(4); // priority and weight: every target is tried
                int p = content.readUnsignedShort();
                String target;
                try {
                    // The content is a view of the whole message, so a compressed name decodes too.
                    target = DefaultDnsRecordDecoder.decodeName(content);
                } catch (RuntimeException e) {
                    continue;
                }
                if (p != 0 && !target.equals(".")) {
                    out.add(new Target(target, p));
                }
            }
        } finally {
            for (DnsRecord r : records) {
                io.netty.util.ReferenceCountUtil.release(r);
            }
        }
        return out;
    }

    private <T> T await(Future<T> f, String what) throws IOException {
        try {
            return f.get(queryTimeout.toMillis() * 4 + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while resolving " + what, e);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new IOException("no DNS answer for " + what + " in time", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof UnknownHostException u
                    ? new IOException("DNS: " + what + " does not resolve: " + u.getMessage(), u)
                    : new IOException("DNS lookup of " + what + " failed: " + c, c);
        }
    }

    @Override
    public void close() {
        resolver.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "DnsSeedProvider[" + (srv ? "SRV " + name : name + ":" + port) + "]";
    }

    /** Configures a {@link DnsSeedProvider}. */
    public static final class Builder {
        private final String name;
        private final int port;
        private final boolean srv;
        private List<InetSocketAddress> servers = List.of();
        private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;

        private Builder(String name, int port, boolean srv) {
            this.name = name;
            this.port = port;
            this.srv = srv;
        }

        /**
         * @param v the DNS servers to ask, in order; empty (the default) for the system's
         *          ({@code /etc/resolv.conf}, with its search domains)
         * @return this
         */
        public Builder servers(List<InetSocketAddress> v) {
            servers = List.copyOf(v);
            return this;
        }

        /** @param v how long one query waits, 10 ms to 1 min; see {@link #DEFAULT_QUERY_TIMEOUT} @return this */
        public Builder queryTimeout(Duration v) {
            Objects.requireNonNull(v, "queryTimeout");
            if (v.compareTo(Duration.ofMillis(10)) < 0 || v.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("queryTimeout must be between 10 ms and 1 min, was " + v);
            }
            queryTimeout = v;
            return this;
        }

        /** @return the provider; close it when the node is closed */
        public DnsSeedProvider build() {
            return new DnsSeedProvider(this);
        }
    }
}
