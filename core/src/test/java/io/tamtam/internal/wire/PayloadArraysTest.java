package io.tamtam.internal.wire;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large payload arrays come back only from whom they were lent to, once, within the bound. */
class PayloadArraysTest {
    /** Sizes of their own, so that no other test's arrays match. */
    private static final int SIZE = PayloadArrays.MIN_BYTES + 4099;

    @Test
    void anArrayGivenBackIsTakenForTheNextPayloadOfItsLength() {
        byte[] a = PayloadArrays.take(SIZE);
        assertEquals(SIZE, a.length);
        assertTrue(PayloadArrays.giveBack(a));
        assertNotSame(a, PayloadArrays.take(SIZE + 1), "only a payload of exactly its length reuses it");
        assertSame(a, PayloadArrays.take(SIZE));
        assertNotSame(a, PayloadArrays.take(SIZE), "taken once, it is not handed out again");
    }

    @Test
    void smallPayloadsAreNotKept() {
        byte[] a = PayloadArrays.take(PayloadArrays.MIN_BYTES - 1);
        assertFalse(PayloadArrays.giveBack(a));
        assertNotSame(a, PayloadArrays.take(PayloadArrays.MIN_BYTES - 1));
    }

    @Test
    void onlyArraysLentOutComeBackAndOnlyOnce() {
        assertFalse(PayloadArrays.giveBack(new byte[SIZE + 2]), "an array the caller owns");
        byte[] a = PayloadArrays.take(SIZE + 2);
        assertTrue(PayloadArrays.giveBack(a));
        assertFalse(PayloadArrays.giveBack(a), "given back twice");
        byte[] b = PayloadArrays.take(SIZE + 2);
        assertSame(a, b);
        PayloadArrays.disown(b); // a byte[] handler keeps it
        assertFalse(PayloadArrays.giveBack(b));
        assertNotSame(b, PayloadArrays.take(SIZE + 2));
    }

    @Test
    void whatIsKeptStaysWithinTheBound() {
        int size = 8 * PayloadArrays.MIN_BYTES + 3;
        byte[][] lent = new byte[6][];
        for (int i = 0; i < lent.length; i++) {
            lent[i] = PayloadArrays.take(size);
        }
        for (byte[] a : lent) {
            assertTrue(PayloadArrays.giveBack(a));
            assertTrue(PayloadArrays.keptBytes() <= PayloadArrays.MAX_BYTES, () -> PayloadArrays.keptBytes() + " bytes kept");
        }
        byte[] again = PayloadArrays.take(size);
        assertTrue(java.util.Arrays.asList(lent).contains(again), "one of those given back is reused");
    }
}
