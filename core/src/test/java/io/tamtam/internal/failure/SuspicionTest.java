package io.tamtam.internal.failure;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuspicionTest {
    @Test
    void timeoutShrinksFromMaxToMinWithConfirmations() {
        long min = 2_000, max = 12_000;
        assertEquals(max, Suspicion.timeout(0, 3, min, max));
        long one = Suspicion.timeout(1, 3, min, max);
        long two = Suspicion.timeout(2, 3, min, max);
        assertTrue(one < max && two < one && two > min, one + " " + two);
        assertEquals(min, Suspicion.timeout(3, 3, min, max));
        assertEquals(min, Suspicion.timeout(5, 3, min, max));
        assertEquals(min, Suspicion.timeout(0, 0, min, max));
    }

    @Test
    void awarenessScalesAndClamps() {
        Awareness a = new Awareness(8);
        assertEquals(100, a.scale(100));
        a.apply(3);
        assertEquals(400, a.scale(100));
        a.apply(100);
        assertEquals(7, a.score());
        a.apply(-100);
        assertEquals(0, a.score());
    }
}
