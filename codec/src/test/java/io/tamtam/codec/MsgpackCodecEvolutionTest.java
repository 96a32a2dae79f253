package io.tamtam.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tamtam.codec.Payloads.Account;
import io.tamtam.codec.Payloads.OrderV1;
import io.tamtam.codec.Payloads.OrderV2;
import io.tamtam.codec.Payloads.OrderV3;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MsgpackCodecEvolutionTest {

    private final MsgpackCodec codec = new MsgpackCodec();

    private <T> T decode(Object value, Class<T> type) throws IOException {
        byte[] bytes = codec.encode(value);
        return codec.decode(bytes, 0, bytes.length, type);
    }

    @Test
    void addedComponentsDecodeAsAbsentValues() throws IOException {
        OrderV2 order = decode(new OrderV1("tea", 3), OrderV2.class);
        assertEquals("tea", order.item());
        assertEquals(3, order.quantity());
        assertNull(order.note());
        assertEquals(0L, order.priority());
        assertFalse(order.urgent());
        assertEquals(Optional.empty(), order.by());
        assertNull(order.tags());
    }

    @Test
    void removedComponentsAreSkipped() throws IOException {
        OrderV2 order = new OrderV2("tea", 3, "note", 9, true, Optional.of("me"), List.of("a", "b"));
        assertEquals(new OrderV3(3), decode(order, OrderV3.class));
        assertEquals(new OrderV1("tea", 3), decode(order, OrderV1.class));
    }

    @Test
    void keyOrderDoesNotMatter() throws IOException {
        Map<String, Object> reordered = new LinkedHashMap<>();
        reordered.put("unknown", Map.of("deep", List.of(1, 2, 3)));
        reordered.put("quantity", 5);
        reordered.put("item", "coffee");
        assertEquals(new OrderV1("coffee", 5), decode(reordered, OrderV1.class));
    }

    @Test
    void plainClassesKeepConstructorDefaultsForMissingFields() throws IOException {
        Account account = decode(Map.of("id", 4L), Account.class);
        assertEquals(4L, account.id);
        assertEquals("nobody", account.owner());
        assertEquals(7946, account.port());
        assertEquals(List.of(), account.members());
    }
}
