package io.tamtam.discovery.dns;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed providers against a real DNS server on loopback whose answers change between lookups. */
class DnsSeedProviderTest {

    private final TestDnsServer dns;
    private final List<AutoCloseable> toClose = new java.util.ArrayList<>();

    DnsSeedProviderTest() throws InterruptedException {
        dns = new TestDnsServer();
        toClose.add(dns);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private DnsSeedProvider provider(DnsSeedProvider.Builder b) {
        DnsSeedProvider p = b.servers(List.of(dns.address())).queryTimeout(Duration.ofSeconds(2)).build();
        toClose.add(0, p);
        return p;
    }

    private static InetAddress ip(String s) throws IOException {
        return InetAddress.getByName(s);
    }

    @Test
    void aHeadlessServiceNameGivesEveryAAndAaaaAddressWithThePortAndIsAskedAgainEachTime() throws Exception {
        DnsSeedProvider seeds = provider(DnsSeedProvider.forAddresses("tamtam.ns.svc.test", 7946));
        dns.setAddresses("tamtam.ns.svc.test", List.of(ip("10.0.0.1"), ip("10.0.0.2"), ip("fd00::7")));
        assertEquals(List.of(new InetSocketAddress(ip("10.0.0.1"), 7946), new InetSocketAddress(ip("10.0.0.2"), 7946),
                new InetSocketAddress(ip("fd00::7"), 7946)), seeds.seeds());

        dns.setAddresses("tamtam.ns.svc.test", List.of(ip("10.0.0.3")));
        assertEquals(List.of(new InetSocketAddress(ip("10.0.0.3"), 7946)), seeds.seeds(), "the new answer, not a cached one");

        dns.setAddresses("tamtam.ns.svc.test", List.of(ip("fd00::8")));
        assertEquals(List.of(new InetSocketAddress(ip("fd00::8"), 7946)), seeds.seeds(), "AAAA only");
    }

    @Test
    void srvRecordsGiveEachTargetsAddressesWithTheRecordsPort() throws Exception {
        DnsSeedProvider seeds = provider(DnsSeedProvider.forService("_gossip._tcp.tamtam.test"));
        dns.setServices("_gossip._tcp.tamtam.test", List.of(new TestDnsServer.Srv("a.tamtam.test", 7001),
                new TestDnsServer.Srv("b.tamtam.test", 7002)));
        dns.setAddresses("a.tamtam.test", List.of(ip("10.1.0.1")));
        dns.setAddresses("b.tamtam.test", List.of(ip("10.1.0.2"), ip("fd00::2")));
        assertEquals(List.of(new InetSocketAddress(ip("10.1.0.1"), 7001), new InetSocketAddress(ip("10.1.0.2"), 7002),
                new InetSocketAddress(ip("fd00::2"), 7002)), seeds.seeds());

        dns.setServices("_gossip._tcp.tamtam.test", List.of(new TestDnsServer.Srv("b.tamtam.test", 7003)));
        assertEquals(List.of(new InetSocketAddress(ip("10.1.0.2"), 7003), new InetSocketAddress(ip("fd00::2"), 7003)),
                seeds.seeds());
    }

    @Test
    void anUnknownNameFailsWithAnIoExceptionNamingIt() {
        DnsSeedProvider seeds = provider(DnsSeedProvider.forAddresses("nobody.tamtam.test", 7946));
        IOException e = assertThrows(IOException.class, seeds::seeds);
        assertTrue(e.getMessage().contains("nobody.tamtam.test"), e.getMessage());
    }

    @Test
    void misuseIsRefusedWithWhatToDo() {
        assertThrows(IllegalArgumentException.class, () -> DnsSeedProvider.forAddresses("x.test", 0));
        assertThrows(IllegalArgumentException.class, () -> DnsSeedProvider.forService(""));
        assertThrows(IllegalArgumentException.class,
                () -> DnsSeedProvider.forService("x.test").queryTimeout(Duration.ofHours(1)));
    }
}
