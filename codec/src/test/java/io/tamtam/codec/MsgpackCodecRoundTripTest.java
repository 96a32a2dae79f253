package io.tamtam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tamtam.codec.Payloads.Account;
import io.tamtam.codec.Payloads.ArrayKinds;
import io.tamtam.codec.Payloads.Boxes;
import io.tamtam.codec.Payloads.CollectionKinds;
import io.tamtam.codec.Payloads.Color;
import io.tamtam.codec.Payloads.Dynamic;
import io.tamtam.codec.Payloads.Generic;
import io.tamtam.codec.Payloads.Holder;
import io.tamtam.codec.Payloads.Op;
import io.tamtam.codec.Payloads.Optionals;
import io.tamtam.codec.Payloads.Point;
import io.tamtam.codec.Payloads.Primitives;
import io.tamtam.codec.Payloads.Reentrant;
import io.tamtam.codec.Payloads.Scalars;
import io.tamtam.codec.Payloads.Tree;
import io.tamtam.codec.Payloads.WithNulls;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MsgpackCodecRoundTripTest {

    private final MsgpackCodec codec = new MsgpackCodec();

    private <T> T roundTrip(T value, Class<T> type) throws IOException {
        byte[] bytes = codec.encode(value);
        // Decode from a slice inside a larger array to exercise offset and length.
        byte[] padded = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        return codec.decode(padded, 3, bytes.length, type);
    }

    @SuppressWarnings("unchecked")
    private <T> T roundTrip(T value) throws IOException {
        return roundTrip(value, (Class<T>) value.getClass());
    }

    @Test
    void primitivesAtTheirLimits() throws IOException {
        Primitives min = new Primitives(false, Byte.MIN_VALUE, Short.MIN_VALUE, Character.MIN_VALUE,
                Integer.MIN_VALUE, Long.MIN_VALUE, -Float.MAX_VALUE, Double.NEGATIVE_INFINITY);
        Primitives max = new Primitives(true, Byte.MAX_VALUE, Short.MAX_VALUE, Character.MAX_VALUE,
                Integer.MAX_VALUE, Long.MAX_VALUE, Float.MIN_VALUE, Double.NaN);
        Primitives small = new Primitives(true, (byte) 1, (short) 300, 'é', 70_000, 5_000_000_000L, 1.5f, -0.25);
        assertEquals(min, roundTrip(min));
        assertEquals(max, roundTrip(max));
        assertEquals(small, roundTrip(small));
    }

    @Test
    void boxesAndTopLevelScalars() throws IOException {
        Boxes boxes = new Boxes(true, (byte) -3, (short) -300, 'x', -70_000, -5_000_000_000L, 2.5f, 1e300);
        assertEquals(boxes, roundTrip(boxes));
        assertEquals(new Boxes(null, null, null, null, null, null, null, null),
                roundTrip(new Boxes(null, null, null, null, null, null, null, null)));
        assertEquals(42, roundTrip(42));
        assertEquals(42L, roundTrip(42L));
        assertEquals("héllo ✓ 𝄞", roundTrip("héllo ✓ 𝄞"));
        assertEquals(Boolean.FALSE, roundTrip(false));
        byte[] decodedInt = codec.encode(7);
        assertEquals(7, codec.decode(decodedInt, 0, decodedInt.length, int.class));
    }

    @Test
    void stringsBinariesIdsTimesAndEnums() throws IOException {
        Scalars scalars = new Scalars("text", new byte[] {0, 1, -1, 127}, UUID.randomUUID(),
                Instant.parse("2024-02-29T12:34:56.123456789Z"), Duration.ofSeconds(-5, 7), Color.BLUE, Op.SUB);
        Scalars decoded = roundTrip(scalars);
        assertEquals(scalars, decoded);
        assertSame(Op.SUB, decoded.op());
        assertEquals(-1, decoded.op().apply(2, 3));
        assertEquals(Op.ADD, roundTrip(Op.ADD, Op.class));
        assertEquals(Instant.EPOCH.minusNanos(1), roundTrip(Instant.EPOCH.minusNanos(1)));
        assertEquals(Duration.ofDays(365_000), roundTrip(Duration.ofDays(365_000)));
        assertArrayEquals(new byte[0], roundTrip(new byte[0]));
        String big = "x".repeat(100_000);
        assertEquals(big, roundTrip(big));
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void arraysOfEveryKind() throws IOException {
        List<String>[] lists = new List[] {List.of("a"), List.of()};
        ArrayKinds arrays = new ArrayKinds(new int[] {1, -2, 3}, new long[] {Long.MAX_VALUE}, new double[] {0.5},
                new boolean[] {true, false}, new char[] {'a', 'ß'}, new String[] {"x", null},
                new Color[] {Color.RED, null}, new Point[] {new Point(1, 2)}, new int[][] {{1}, {}, {2, 3}}, lists);
        ArrayKinds decoded = roundTrip(arrays);
        assertArrayEquals(arrays.ints(), decoded.ints());
        assertArrayEquals(arrays.longs(), decoded.longs());
        assertArrayEquals(arrays.doubles(), decoded.doubles());
        assertArrayEquals(arrays.flags(), decoded.flags());
        assertArrayEquals(arrays.chars(), decoded.chars());
        assertArrayEquals(arrays.strings(), decoded.strings());
        assertArrayEquals(arrays.colors(), decoded.colors());
        assertArrayEquals(arrays.points(), decoded.points());
        assertTrue(Arrays.deepEquals(arrays.matrix(), decoded.matrix()));
        assertArrayEquals(arrays.lists(), decoded.lists());
        assertArrayEquals(new Point[] {new Point(3, 4)}, roundTrip(new Point[] {new Point(3, 4)}));
    }

    @Test
    void collectionsAndMapsWithTypedElements() throws IOException {
        TreeMap<Integer, String> sorted = new TreeMap<>(Map.of(3, "c", 1, "a", 2, "b"));
        Map<Point, String> recordKeys = new HashMap<>();
        recordKeys.put(new Point(1, 1), "one");
        recordKeys.put(null, "none");
        CollectionKinds value = new CollectionKinds(List.of(new Point(1, 2), new Point(3, 4)),
                Set.of(Color.RED, Color.GREEN), new ArrayList<>(List.of("a", "b")),
                Map.of("p", new Point(5, 6)), Map.of(UUID.randomUUID(), List.of(1, 2, 3)), recordKeys,
                Map.of(Color.BLUE, 9L), sorted, new LinkedList<>(List.of("l")), new ArrayDeque<>(List.of(1, 2)));
        CollectionKinds decoded = roundTrip(value);
        assertEquals(value.points(), decoded.points());
        assertEquals(value.colors(), decoded.colors());
        assertEquals(List.copyOf(value.names()), List.copyOf(decoded.names()));
        assertEquals(value.byName(), decoded.byName());
        assertEquals(value.nested(), decoded.nested());
        assertEquals(value.recordKeys(), decoded.recordKeys());
        assertEquals(value.enumKeys(), decoded.enumKeys());
        assertEquals(value.sorted(), decoded.sorted());
        assertInstanceOf(TreeMap.class, decoded.sorted());
        assertEquals(value.linked(), decoded.linked());
        assertEquals(List.copyOf(value.deque()), List.copyOf(decoded.deque()));
    }

    @Test
    void optionals() throws IOException {
        Optionals full = new Optionals(Optional.of("n"), Optional.of(new Point(1, 2)), Optional.of(List.of(7)));
        Optionals empty = new Optionals(Optional.empty(), Optional.empty(), Optional.empty());
        assertEquals(full, roundTrip(full));
        assertEquals(empty, roundTrip(empty));
        assertEquals(empty, roundTrip(new Optionals(null, null, null)), "null Optionals decode as empty");
    }

    @Test
    void nestedAndSelfReferencingTypes() throws IOException {
        Tree tree = new Tree("root", List.of(new Tree("a", List.of(new Tree("a1", List.of()))), new Tree("b", null)));
        assertEquals(tree, roundTrip(tree));

        Holder holder = new Holder();
        holder.point = new Point(9, 8);
        holder.account = Account.of(12, "ann", Color.GREEN, "bob", "cy");
        holder.tree = tree;
        Holder decoded = roundTrip(holder);
        assertEquals(holder.point, decoded.point);
        assertEquals(tree, decoded.tree);
        assertAccount(holder.account, decoded.account);
    }

    @Test
    void plainClassesIncludeSuperclassAndPrivateFieldsButNotTransientOrStatic() throws IOException {
        Account account = Account.of(77, "owner", Color.RED, "m1");
        account.cache = "changed";
        Account decoded = roundTrip(account);
        assertAccount(account, decoded);
        assertEquals("not encoded", decoded.cache);
        assertEquals(7946, decoded.port());
    }

    private static void assertAccount(Account expected, Account actual) {
        assertEquals(expected.id, actual.id);
        assertEquals(expected.owner(), actual.owner());
        assertEquals(expected.color, actual.color);
        assertEquals(expected.members(), actual.members());
    }

    @Test
    void nullFieldsStayNullAndPrimitivesStayZero() throws IOException {
        WithNulls value = new WithNulls(null, null, null, null, 0, null);
        assertEquals(value, roundTrip(value));
    }

    @Test
    void genericTypeVariablesDecodeDynamically() throws IOException {
        Generic<String> generic = new Generic<>("v", List.of("a", "b"));
        assertEquals(generic, roundTrip(generic));
    }

    @Test
    void objectValuesDecodeToTheirNaturalForm() throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("n", 5);
        map.put("big", 5_000_000_000L);
        map.put("list", List.of("x", true));
        map.put("null", null);
        map.put("bytes", new byte[] {1});
        map.put("at", Instant.ofEpochSecond(1));
        Dynamic dynamic = new Dynamic(new Point(1, 2), List.of(1.5, 2.5f, "s"), map);
        Dynamic decoded = roundTrip(dynamic);
        assertEquals(Map.of("x", 1, "y", 2), decoded.any(), "records inside Object decode as maps");
        assertEquals(List.of(1.5, 2.5f, "s"), decoded.list());
        assertEquals(5, decoded.map().get("n"));
        assertEquals(5_000_000_000L, decoded.map().get("big"));
        assertEquals(List.of("x", true), decoded.map().get("list"));
        assertTrue(decoded.map().containsKey("null"));
        assertNull(decoded.map().get("null"));
        assertArrayEquals(new byte[] {1}, (byte[]) decoded.map().get("bytes"));
        assertEquals(Instant.ofEpochSecond(1), decoded.map().get("at"));
    }

    @Test
    void topLevelCollectionsAndMaps() throws IOException {
        byte[] list = codec.encode(List.of("a", 1));
        assertEquals(List.of("a", 1), codec.decode(list, 0, list.length, List.class));
        byte[] set = codec.encode(new HashSet<>(Set.of(1, 2)));
        assertEquals(Set.of(1, 2), codec.decode(set, 0, set.length, Set.class));
        byte[] map = codec.encode(Map.of("k", List.of()));
        assertEquals(Map.of("k", List.of()), codec.decode(map, 0, map.length, Map.class));
        assertEquals(Optional.of("x"), roundTrip(Optional.of("x"), Optional.class));
    }

    @Test
    void privateRecords() throws IOException {
        Object hidden = Payloads.hidden("s");
        byte[] bytes = codec.encode(hidden);
        assertEquals(hidden, codec.decode(bytes, 0, bytes.length, Payloads.hiddenClass()));
    }

    @Test
    void reusedBuffersKeepMessagesApart() throws IOException {
        List<byte[]> encodings = new ArrayList<>();
        List<Tree> trees = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Tree tree = new Tree("n".repeat((i * 7919) % 20_000), List.of(new Tree(Integer.toString(i), List.of())));
            trees.add(tree);
            encodings.add(codec.encode(tree));
        }
        for (int i = 0; i < trees.size(); i++) {
            byte[] bytes = encodings.get(i);
            assertEquals(trees.get(i), codec.decode(bytes, 0, bytes.length, Tree.class));
        }
    }

    @Test
    void encodingInsideAnAccessorUsesItsOwnBuffer() throws IOException {
        Reentrant value = new Reentrant("t");
        byte[] bytes = codec.encode(value);
        int inner = codec.encode(new Point(1, 2)).length;
        assertEquals("t" + inner + inner, codec.decode(bytes, 0, bytes.length, Reentrant.class).text());
    }

    @Test
    void recordsAreMapsKeyedByComponentName() throws IOException {
        byte[] bytes = codec.encode(new Point(1, 2));
        assertEquals(Map.of("x", 1, "y", 2), codec.decode(bytes, 0, bytes.length, Map.class));
    }
}
