package io.tamtam.discovery.dns;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.JoinException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Real nodes on loopback find each other through an in-process DNS server whose answers change while the
 * cluster runs.
 */
class DnsDiscoveryClusterTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final TestDnsServer dns;

    DnsDiscoveryClusterTest() throws InterruptedException {
        dns = new TestDnsServer();
        toClose.add(dns);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeFirst(T c) {
        toClose.add(0, c);
        return c;
    }

    private Cluster node(InetSocketAddress bind, DnsSeedProvider seeds) throws Exception {
        ClusterConfig.Builder b = ClusterConfig.local().bindAddress(bind).joinTimeout(Duration.ofSeconds(2));
        if (seeds != null) {
            b.seedProvider(seeds);
        }
        return closeFirst(Cluster.create(b.build()));
    }

    private DnsSeedProvider provider(DnsSeedProvider.Builder b) {
        return closeFirst(b.servers(List.of(dns.address())).build());
    }

    private static void awaitLive(int expected, Cluster... nodes) {
        await().atMost(WITHIN).untilAsserted(() -> {
            for (Cluster c : nodes) {
                assertEquals(expected, c.liveMembers().size(), () -> c + " sees " + c.liveMembers());
            }
        });
    }

    @Test
    void nodesOfAHeadlessServiceJoinThroughItsAddressRecordsAsTheyChange() throws Exception {
        Cluster a = node(new InetSocketAddress("127.0.0.2", 0), null);
        int port = a.localNode().address().getPort();
        String service = "tamtam.default.svc.test";
        dns.setAddresses(service, List.of(InetAddress.getByName("127.0.0.2")));
        Cluster b = node(new InetSocketAddress("127.0.0.3", port), provider(DnsSeedProvider.forAddresses(service, port)));
        b.join().get(30, TimeUnit.SECONDS);
        awaitLive(2, a, b);

        // The service now lists only b (a is, say, being replaced): a new pod joins through b.
        dns.setAddresses(service, List.of(InetAddress.getByName("127.0.0.3")));
        Cluster c = node(new InetSocketAddress("127.0.0.4", port), provider(DnsSeedProvider.forAddresses(service, port)));
        c.join().get(30, TimeUnit.SECONDS);
        awaitLive(3, a, b, c);
    }

    @Test
    void aNodeThatFoundNoSeedKeepsReResolvingAndJoinsOnceTheSrvRecordsListTheCluster() throws Exception {
        Cluster m1 = node(new InetSocketAddress("127.0.0.1", 0), null);
        Cluster m2 = node(new InetSocketAddress("127.0.0.1", 0), null);
        m2.join(m1.localNode().address()).get(30, TimeUnit.SECONDS);

        String service = "_gossip._tcp.tamtam.test";
        Cluster late = node(new InetSocketAddress("127.0.0.1", 0), provider(DnsSeedProvider.forService(service)));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> late.join().get(30, TimeUnit.SECONDS));
        assertInstanceOf(JoinException.class, failed.getCause(), "the name does not resolve yet");
        int asked = dns.queries.get();
        await().atMost(WITHIN).until(() -> dns.queries.get() > asked + 2);   // it keeps asking
        assertEquals(1, late.liveMembers().size());

        dns.setServices(service, List.of(new TestDnsServer.Srv("m2.tamtam.test", m2.localNode().address().getPort())));
        dns.setAddresses("m2.tamtam.test", List.of(InetAddress.getByName("127.0.0.1")));
        awaitLive(3, m1, m2, late);
    }
}
