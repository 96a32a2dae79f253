package io.tamtam.internal.wire;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Compares messages field by field, byte arrays by content (records compare them by identity). */
final class MessageAssert {
    private MessageAssert() {
    }

    /**
     * @param expected the messages expected
     * @param actual   the messages decoded
     */
    static void assertMessages(List<Message> expected, List<Message> actual) {
        assertEquals(expected.size(), actual.size(), "message count");
        for (int i = 0; i < expected.size(); i++) {
            assertMessage(expected.get(i), actual.get(i));
        }
    }

    /**
     * @param expected the message expected
     * @param actual   the message decoded
     */
    static void assertMessage(Message expected, Message actual) {
        assertSame(expected.getClass(), actual.getClass(), "message kind");
        for (RecordComponent c : expected.getClass().getRecordComponents()) {
            Object e = value(c, expected);
            Object a = value(c, actual);
            String what = expected.getClass().getSimpleName() + "." + c.getName();
            if (e instanceof byte[] eb) {
                assertArrayEquals(eb, (byte[]) a, what);
            } else if (e instanceof long[] el) {
                assertArrayEquals(el, (long[]) a, what);
            } else if (e instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof byte[]) {
                List<?> al = (List<?>) a;
                assertEquals(list.size(), al.size(), what + " size");
                for (int j = 0; j < list.size(); j++) {
                    assertArrayEquals((byte[]) list.get(j), (byte[]) al.get(j), what + "[" + j + "]");
                }
            } else {
                assertEquals(e, a, what);
            }
        }
    }

    private static Object value(RecordComponent c, Message m) {
        try {
            return c.getAccessor().invoke(m);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + m, e);
        }
    }
}
