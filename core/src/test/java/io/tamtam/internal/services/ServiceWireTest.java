package io.tamtam.internal.services;

import io.tamtam.DropReason;
import io.tamtam.internal.wire.WireException;
import io.tamtam.services.Services;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Service envelopes, routed messages and metadata summaries: round trips, and bad input refused. */
class ServiceWireTest {

    @Test
    void envelopesAndRoutedMessagesRoundTrip() throws Exception {
        Envelope e = Envelope.decode(new Envelope("billing", true, new byte[]{1, 2}).encode());
        assertEquals("billing", e.service());
        assertEquals(true, e.reliable());
        assertArrayEquals(new byte[]{1, 2}, e.payload());
        List<UUID> path = List.of(UUID.randomUUID(), UUID.randomUUID());
        Routed.Message m = Routed.Message.decode(new Routed.Message(7, 3, path, true, "s", new byte[]{9}).encode());
        assertEquals(path, m.path());
        assertEquals(3, m.hopsLeft());
        Routed.Message next = m.next(UUID.randomUUID());
        assertEquals(2, next.hopsLeft());
        assertEquals(3, next.path().size());
        Routed.Reply r = Routed.Reply.decode(new Routed.Reply(7, Routed.OK, path, new byte[]{5}).encode());
        assertEquals(List.of(path.get(0)), r.popped().path());
    }

    @Test
    void malformedInputIsRefusedWithoutAllocatingWhatItClaims() {
        WireException flags = assertThrows(WireException.class, () -> Envelope.decode(new byte[]{1, 'x', (byte) 0x80}));
        assertEquals(DropReason.MALFORMED, flags.reason());
        // a path of 200 nodes claimed in a few bytes
        byte[] claim = new byte[]{0, 0, 0, 0, 0, 0, 0, 1, 2, (byte) 200, 0, 0};
        assertThrows(WireException.class, () -> Routed.Message.decode(claim));
        assertThrows(WireException.class, () -> Routed.Reply.decode(new byte[]{0, 0, 0, 0, 0, 0, 0, 1, 9, 0}));
        Random random = new Random(5);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            try {
                Routed.Message.decode(junk);
            } catch (WireException expected) {
                // dropped and counted by the caller
            }
            try {
                Envelope.decode(junk);
            } catch (WireException expected) {
                // dropped and counted by the caller
            }
        }
    }

    @Test
    void metadataSummariesSkipWhatIsMalformed() {
        assertEquals(Set.of("a", "b-1"), ServiceLayer.parse(Map.of(Services.METADATA_KEY, "a,,b-1,bad name,")));
        Map<String, List<String>> routes = RoutedTraffic.parseRoutes(Map.of(Services.ROUTES_METADATA_KEY,
                "billing:C.B,billing:C,orders:,x:A.B.C.D.E.F.G.H.I,:C,y:bad!"));
        assertEquals(Map.of("billing", List.of("C")), routes);
    }
}
