package io.tamtam.codec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;

/** Payload types the codec tests encode and decode. */
final class Payloads {

    private Payloads() {
    }

    enum Color { RED, GREEN, BLUE }

    /** An enum whose constants have bodies, so their runtime classes are anonymous subclasses. */
    enum Op {
        ADD {
            @Override
            int apply(int a, int b) {
                return a + b;
            }
        },
        SUB {
            @Override
            int apply(int a, int b) {
                return a - b;
            }
        };

        abstract int apply(int a, int b);
    }

    record Primitives(boolean z, byte b, short s, char c, int i, long l, float f, double d) {
    }

    record Boxes(Boolean z, Byte b, Short s, Character c, Integer i, Long l, Float f, Double d) {
    }

    record Scalars(String text, byte[] bytes, UUID id, Instant at, Duration took, Color color, Op op) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Scalars other && Objects.equals(text, other.text)
                    && java.util.Arrays.equals(bytes, other.bytes) && Objects.equals(id, other.id)
                    && Objects.equals(at, other.at) && Objects.equals(took, other.took)
                    && color == other.color && op == other.op;
        }

        @Override
        public int hashCode() {
            return Objects.hash(text, id, at, took, color, op);
        }
    }

    record ArrayKinds(int[] ints, long[] longs, double[] doubles, boolean[] flags, char[] chars, String[] strings,
            Color[] colors, Point[] points, int[][] matrix, List<String>[] lists) {
    }

    record Point(int x, int y) {
    }

    record CollectionKinds(List<Point> points, Set<Color> colors, Collection<String> names,
            Map<String, Point> byName, Map<UUID, List<Integer>> nested, Map<Point, String> recordKeys,
            Map<Color, Long> enumKeys, SortedMap<Integer, String> sorted, java.util.LinkedList<String> linked,
            java.util.ArrayDeque<Integer> deque) {
    }

    record Optionals(Optional<String> name, Optional<Point> point, Optional<List<Integer>> numbers) {
    }

    /** A self-referencing record. */
    record Tree(String label, List<Tree> children) {
    }

    record Generic<T>(T value, List<T> values) {
    }

    record Dynamic(Object any, List<Object> list, Map<String, Object> map) {
    }

    record WithNulls(String text, Point point, List<String> list, Integer boxed, int primitive, Color color) {
    }

    /** Version 1 of a message. */
    record OrderV1(String item, int quantity) {
    }

    /** Version 2: gained components. */
    record OrderV2(String item, int quantity, String note, long priority, boolean urgent, Optional<String> by,
            List<String> tags) {
    }

    /** Version 3: lost a component and reordered. */
    record OrderV3(int quantity) {
    }

    /** A record whose constructor validates. */
    record Positive(int value) {
        Positive {
            if (value <= 0) {
                throw new IllegalArgumentException("value must be positive");
            }
        }
    }

    /** A private record. */
    private record Hidden(String secret) {
    }

    static Object hidden(String secret) {
        return new Hidden(secret);
    }

    static Class<?> hiddenClass() {
        return Hidden.class;
    }

    /** A plain class with a superclass, private and final fields, and a transient one. */
    static class Base {
        protected long id;
        private String owner = "nobody";
    }

    static final class Account extends Base {
        private final List<String> members = new ArrayList<>();
        Color color;
        transient String cache = "not encoded";
        static String shared = "not encoded";
        private int port = 7946;

        private Account() {
        }

        static Account of(long id, String owner, Color color, String... members) {
            Account account = new Account();
            account.id = id;
            ((Base) account).owner = owner;
            account.color = color;
            account.members.addAll(List.of(members));
            return account;
        }

        String owner() {
            return ((Base) this).owner;
        }

        List<String> members() {
            return members;
        }

        int port() {
            return port;
        }
    }

    /** A plain class holding a record and a plain class. */
    static final class Holder {
        Point point;
        Account account;
        Tree tree;
    }

    /** A mutable node, to build cyclic graphs. */
    static final class Link {
        String name;
        Link next;
    }

    /** A record whose accessor encodes another value with the same codec, on the same thread. */
    record Reentrant(String text) {
        @Override
        public String text() {
            try {
                return text + new MsgpackCodec().encode(new Point(1, 2)).length;
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // Types the codec does not support.

    record WithInterface(Runnable task) {
    }

    record WithNested(List<Map<String, Runnable>> deep) {
    }

    static final class NoDefaultConstructor {
        final int value;

        NoDefaultConstructor(int value) {
            this.value = value;
        }
    }

    abstract static class Abstract {
        int value;
    }

    /** Not static: its constructor takes the enclosing instance. */
    final class Inner {
        int value;
    }

    static class Shadowing extends Base {
        protected long id;
    }

    record WithThread(Thread thread) {
    }
}
