package io.tamtam.internal.messaging;

import io.tamtam.internal.runtime.ByteBudget;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InOrderTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final ByteBudget budget = new ByteBudget(1 << 20, 10_000);
    private final InOrder inOrder = new InOrder(scheduler, 1_000, budget);
    private final InOrder.Lane sender = new InOrder.Lane();
    private final List<Long> delivered = new ArrayList<>();

    private InOrder.Outcome arrive(long lane, long order) {
        return inOrder.accept(sender, lane, order, 100, () -> delivered.add(order));
    }

    @Test
    void earlyMessagesWaitForTheGapToFill() {
        assertEquals(InOrder.Outcome.DELIVERED, arrive(7, 1));
        assertEquals(InOrder.Outcome.HELD, arrive(7, 3));
        assertEquals(InOrder.Outcome.HELD, arrive(7, 4));
        assertEquals(List.of(1L), delivered);
        assertEquals(InOrder.Outcome.DELIVERED, arrive(7, 2));
        assertEquals(List.of(1L, 2L, 3L, 4L), delivered);
        assertEquals(InOrder.Outcome.DUPLICATE, arrive(7, 2));
        assertEquals(4, delivered.size());
    }

    @Test
    void aGapThatNeverFillsIsSkippedAfterTheWait() {
        arrive(7, 1);
        arrive(7, 3);
        assertEquals(List.of(1L), delivered);
        scheduler.fire();
        assertEquals(List.of(1L, 3L), delivered);
        assertEquals(InOrder.Outcome.DUPLICATE, arrive(7, 2));
        assertEquals(InOrder.Outcome.DELIVERED, arrive(7, 4));
    }

    @Test
    void aNewLaneStartsOverAfterHandingOnWhatWasHeld() {
        arrive(7, 1);
        arrive(7, 3);
        assertEquals(InOrder.Outcome.DELIVERED, arrive(9, 1));
        assertEquals(List.of(1L, 3L, 1L), delivered);
    }

    @Test
    void heldMessagesAreBounded() {
        arrive(7, 1);
        for (long i = 3; i < 3 + InOrder.MAX_HELD; i++) {
            assertEquals(InOrder.Outcome.HELD, arrive(7, i));
        }
        assertEquals(InOrder.Outcome.DELIVERED, arrive(7, 3 + InOrder.MAX_HELD));
        assertEquals(2 + InOrder.MAX_HELD, delivered.size());
    }

    @Test
    void heldBytesComeFromTheByteBudgetAndGoBackToIt() {
        ByteBudget small = new ByteBudget(64 << 10, 10_000);
        InOrder bounded = new InOrder(scheduler, 1_000, small);
        InOrder.Lane lane = new InOrder.Lane();
        bounded.accept(lane, 7, 1, 100, () -> delivered.add(1L));
        long perMessage = 100 + ByteBudget.OVERHEAD_BYTES;
        int fit = (int) ((64 << 10) / perMessage);
        for (long i = 3; i < 3 + fit; i++) {
            long order = i;
            assertEquals(InOrder.Outcome.HELD, bounded.accept(lane, 7, order, 100, () -> delivered.add(order)));
        }
        assertEquals(fit * perMessage, small.bytes());
        assertEquals(InOrder.Outcome.REFUSED, bounded.accept(lane, 7, 3 + fit, 100, () -> delivered.add(-1L)));
        assertEquals(List.of(1L), delivered);
        assertEquals(InOrder.Outcome.DELIVERED, bounded.accept(lane, 7, 2, 100, () -> delivered.add(2L)));
        assertEquals(2 + fit, delivered.size());
        assertEquals(0, small.bytes());
        assertEquals(0, small.items());
    }

    @Test
    void repeatsOfAHeldMessageAreDroppedAndTakeNoBudget() {
        arrive(7, 1);
        assertEquals(InOrder.Outcome.HELD, arrive(7, 3));
        long bytes = budget.bytes();
        for (int i = 0; i < 20_000; i++) { // more than the budget's 10,000 items
            assertEquals(InOrder.Outcome.HELD_ALREADY, arrive(7, 3));
        }
        assertEquals(bytes, budget.bytes());
        assertEquals(1, budget.items());
        assertEquals(InOrder.Outcome.DELIVERED, arrive(7, 2));
        assertEquals(List.of(1L, 2L, 3L), delivered, "the held message is handed on once");
        assertEquals(0, budget.bytes());
        assertEquals(0, budget.items());
    }

    @Test
    void releasingASessionHandsOnWhatItHeldAndFreesTheBudget() {
        arrive(7, 1);
        arrive(7, 3);
        arrive(7, 4);
        inOrder.release(sender);
        assertEquals(List.of(1L, 3L, 4L), delivered);
        assertEquals(0, budget.bytes());
    }
}
