package io.tamtam;

import io.tamtam.spi.MultiTransport;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Misuse of the advertised addresses and of {@link MultiTransport} is refused with a message saying what to do. */
class AdvertiseAddressesTest {

    @Test
    void advertisedAddressesAreBounded() {
        List<NodeAddress> nine = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            nine.add(NodeAddress.parse("ws://10.0.0." + i + ":80/p"));
        }
        IllegalArgumentException many = assertThrows(IllegalArgumentException.class,
                () -> ClusterConfig.builder().advertiseAddresses(nine));
        assertTrue(many.getMessage().contains("advertise fewer"), many.getMessage());
        List<NodeAddress> long8 = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            long8.add(NodeAddress.parse("ws://h" + i + ":80/" + "x".repeat(200)));
        }
        assertThrows(IllegalArgumentException.class, () -> ClusterConfig.builder().advertiseAddresses(long8));
        NodeAddress a = NodeAddress.parse("ws://10.0.0.1:80/p");
        assertThrows(IllegalArgumentException.class, () -> ClusterConfig.builder().advertiseAddresses(List.of(a, a)));
        assertEquals(nine.subList(0, 8), ClusterConfig.builder().advertiseAddresses(nine.subList(0, 8)).build().advertiseAddresses());
    }

    @Test
    void multiTransportRefusesWhatItCannotRoute() {
        MultiTransport.Builder b = MultiTransport.builder();
        IllegalArgumentException firstBound = assertThrows(IllegalArgumentException.class, () -> b.add(NodeAddress.UDP_TCP, "",
                new InetSocketAddress(0), o -> null, o -> null));
        assertTrue(firstBound.getMessage().contains("pass null"), firstBound.getMessage());
        b.add(NodeAddress.UDP_TCP, "", null, o -> null, o -> null);
        assertThrows(IllegalArgumentException.class, () -> b.add(NodeAddress.WS, "/p", null, o -> null, o -> null));
        assertThrows(IllegalArgumentException.class, () -> b.add(NodeAddress.UDP_TCP, "", new InetSocketAddress(0), o -> null, o -> null));
        assertThrows(IllegalArgumentException.class, () -> b.add("Bad", "", new InetSocketAddress(0), o -> null, o -> null));
        assertThrows(IllegalStateException.class, () -> MultiTransport.builder().build());
    }
}
