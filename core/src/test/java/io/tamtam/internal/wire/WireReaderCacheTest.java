package io.tamtam.internal.wire;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Ids and IPv4 addresses read again are shared values, and never another value's. */
class WireReaderCacheTest {

    @Test
    void readsEveryValueRightWhenMoreValuesThanSlotsShareTheCache() throws Exception {
        Random random = new Random(5);
        List<UUID> ids = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        // Far more values than the cache has slots: many share a slot and overwrite each other.
        for (int i = 0; i < 40_000; i++) {
            ids.add(new UUID(random.nextLong(), random.nextLong()));
            byte[] ip = {10, (byte) random.nextInt(256), (byte) random.nextInt(256), (byte) random.nextInt(256)};
            addresses.add(new InetSocketAddress(InetAddress.getByAddress(ip), random.nextInt(65_536)));
        }
        WireWriter w = new WireWriter(64);
        for (int i = 0; i < ids.size(); i++) {
            w.uuid(ids.get(i)).address(addresses.get(i));
        }
        byte[] bytes = w.toByteArray();
        for (int pass = 0; pass < 2; pass++) {
            WireReader r = new WireReader(bytes, 0, bytes.length);
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(ids.get(i), r.uuid());
                InetSocketAddress a = r.address();
                assertEquals(addresses.get(i), a);
                assertEquals(addresses.get(i).getPort(), a.getPort());
            }
            r.expectEnd();
        }
    }

    @Test
    void aValueReadTwiceInARowIsTheSameInstance() throws Exception {
        UUID id = UUID.randomUUID();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", 7946);
        byte[] bytes = new WireWriter(64).uuid(id).address(address).uuid(id).address(address).toByteArray();
        WireReader r = new WireReader(bytes, 0, bytes.length);
        UUID first = r.uuid();
        InetSocketAddress firstAddress = r.address();
        assertSame(first, r.uuid());
        assertSame(firstAddress, r.address());
        assertEquals(address, firstAddress);
    }
}
