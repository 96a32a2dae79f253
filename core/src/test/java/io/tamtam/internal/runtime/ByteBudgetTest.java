package io.tamtam.internal.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteBudgetTest {

    @Test
    void refusesPastEitherBoundAndGivesBackWhatWasReleased() {
        ByteBudget budget = new ByteBudget(10 * (100 + ByteBudget.OVERHEAD_BYTES), 5);
        for (int i = 0; i < 5; i++) {
            assertTrue(budget.tryAcquire(100));
        }
        assertFalse(budget.tryAcquire(0), "past the item bound");
        assertEquals(5, budget.items());
        budget.release(100);
        assertFalse(budget.tryAcquire(2000), "past the byte bound");
        assertEquals(4 * (100 + ByteBudget.OVERHEAD_BYTES), budget.bytes(), "a refusal leaves nothing behind");
        for (int i = 0; i < 4; i++) {
            budget.release(100);
        }
        assertEquals(0, budget.bytes());
        assertEquals(0, budget.items());
    }
}
