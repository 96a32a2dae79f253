package io.tamtam.internal.query;

import io.tamtam.internal.wire.WireException;
import io.tamtam.query.QueryOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The query's wire form: round trip and bounds, and the default deadline. */
class QueryWireTest {

    @Test
    void aQueryRoundTripsAndOutOfRangeFieldsAreRefused() throws Exception {
        UUID n = UUID.randomUUID();
        QueryEngine.Wire w = new QueryEngine.Wire(3, "load", 500, true, 2, 1024, Set.of(n),
                Map.of("role", Pattern.compile("web.*")), "billing", new byte[]{1});
        QueryEngine.Wire back = QueryEngine.Wire.decode(w.encode());
        assertEquals(Set.of(n), back.nodes());
        assertEquals("web.*", back.tags().get("role").pattern());
        assertEquals("billing", back.service());
        assertEquals(2, back.relayFactor());

        byte[] bytes = w.encode();
        bytes[8 + 1 + 4 + 4 + 1] = 9; // relay factor beyond the maximum
        assertThrows(WireException.class, () -> QueryEngine.Wire.decode(bytes));
        QueryEngine.Wire badRegex = new QueryEngine.Wire(3, "q", 500, false, 0, 10, Set.of(),
                Map.of("k", Pattern.compile("\\(")), null, new byte[0]);
        byte[] b2 = badRegex.encode();
        // turn the escaped parenthesis into an unbalanced one
        for (int i = 0; i < b2.length - 1; i++) {
            if (b2[i] == '\\' && b2[i + 1] == '(') {
                b2[i] = '(';
            }
        }
        assertThrows(WireException.class, () -> QueryEngine.Wire.decode(b2));
    }

    @Test
    void theDefaultDeadlineGrowsWithLogN() {
        Duration g = Duration.ofMillis(100);
        assertEquals(Duration.ofMillis(1600), QueryOptions.defaultTimeout(g, 5));
        assertEquals(Duration.ofMillis(4800), QueryOptions.defaultTimeout(g, 500));
        assertEquals(Duration.ofMillis(6400), QueryOptions.defaultTimeout(g, 1000));
    }
}
