package io.tamtam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tamtam.codec.Payloads.Account;
import io.tamtam.codec.Payloads.CollectionKinds;
import io.tamtam.codec.Payloads.Color;
import io.tamtam.codec.Payloads.Link;
import io.tamtam.codec.Payloads.Optionals;
import io.tamtam.codec.Payloads.Point;
import io.tamtam.codec.Payloads.Positive;
import io.tamtam.codec.Payloads.Primitives;
import io.tamtam.codec.Payloads.Scalars;
import io.tamtam.codec.Payloads.Tree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MsgpackCodecHostileInputTest {

    /** Types hostile input is decoded as. */
    private static final List<Class<?>> TARGETS = List.of(Object.class, String.class, byte[].class, int.class,
            Long.class, double.class, UUID.class, Instant.class, Duration.class, Color.class, int[].class,
            Point[].class, List.class, Set.class, Map.class, Optional.class, Point.class, Tree.class,
            Primitives.class, Scalars.class, CollectionKinds.class, Optionals.class, Account.class);

    private final MsgpackCodec codec = new MsgpackCodec();

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** Decodes, accepting success or an IOException; anything else fails the test. */
    private boolean decodes(byte[] input, Class<?> type) {
        try {
            codec.decode(input, 0, input.length, type);
            return true;
        } catch (IOException expected) {
            return false;
        }
    }

    private IOException fails(byte[] input, Class<?> type) {
        return assertThrows(IOException.class, () -> codec.decode(input, 0, input.length, type),
                () -> "decoding as " + type.getName());
    }

    @Test
    void hugeDeclaredLengthsFailBeforeAllocating() {
        List<byte[]> hostile = List.of(
                bytes(0xdd, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0), // array32 of 2^31-1 elements
                bytes(0xdd, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0), // array32 of 2^32-1 elements
                bytes(0xdf, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0), // map32
                bytes(0xdb, 0x7f, 0xff, 0xff, 0xff, 'a', 'b', 'c', 'd', 'e'), // str32
                bytes(0xc6, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5), // bin32
                bytes(0xc9, 0x7f, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4), // ext32 timestamp
                bytes(0xdc, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7)); // array16 of 65535 elements
        for (byte[] input : hostile) {
            for (Class<?> type : TARGETS) {
                fails(input, type);
            }
        }
    }

    @Test
    void hugeLengthsInsideARecordFailAndNameTheField() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(0x82, 0xa5));
        out.writeBytes("label".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes(0xa1, 'x', 0xa8));
        out.writeBytes("children".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes(0xdd, 0x7f, 0xff, 0xff, 0xff, 0xc0));
        IOException e = fails(out.toByteArray(), Tree.class);
        assertTrue(e.getMessage().contains(Tree.class.getName() + ".children"), e.getMessage());
        assertTrue(e.getMessage().contains("2147483647"), e.getMessage());

        // An unknown key whose value claims 2 GB is skipped without allocating, then fails on the end of input.
        ByteArrayOutputStream unknown = new ByteArrayOutputStream();
        unknown.writeBytes(bytes(0x81, 0xa3, 'z', 'z', 'z', 0xdb, 0x7f, 0xff, 0xff, 0xff, 'a'));
        fails(unknown.toByteArray(), Tree.class);
    }

    @Test
    void everyTruncationFails() throws IOException {
        List<Object> values = List.of(
                new Tree("root", List.of(new Tree("child", List.of()))),
                new Scalars("t", new byte[] {1, 2}, UUID.randomUUID(), Instant.now(), Duration.ofMillis(5), Color.RED,
                        Payloads.Op.ADD),
                new Primitives(true, (byte) 1, (short) 2, 'c', 3, 4L, 5f, 6d),
                new Optionals(Optional.of("x"), Optional.empty(), Optional.of(List.of(1))));
        for (Object value : values) {
            byte[] full = codec.encode(value);
            for (int length = 0; length < full.length; length++) {
                int n = length;
                assertThrows(IOException.class, () -> codec.decode(full, 0, n, value.getClass()),
                        () -> value.getClass().getSimpleName() + " cut to " + n + " bytes");
            }
        }
    }

    @Test
    void randomGarbageOnlyEverFailsWithIoException() {
        Random random = new Random(20240229L);
        int failures = 0;
        for (int i = 0; i < 1_000; i++) {
            byte[] input = new byte[random.nextInt(48)];
            random.nextBytes(input);
            if (!decodes(input, TARGETS.get(i % TARGETS.size()))) {
                failures++;
            }
        }
        assertTrue(failures > 800, "only " + failures + " of 1000 random inputs were rejected");
    }

    @Test
    void mutatedEncodingsOnlyEverFailWithIoException() throws IOException {
        Random random = new Random(7L);
        CollectionKinds value = new CollectionKinds(List.of(new Point(1, 2)), Set.of(Color.RED), List.of("a"),
                Map.of("p", new Point(5, 6)), Map.of(UUID.randomUUID(), List.of(1, 2, 3)), Map.of(new Point(1, 1), "one"),
                Map.of(Color.BLUE, 9L), new java.util.TreeMap<>(Map.of(1, "a")), new java.util.LinkedList<>(List.of("l")),
                new java.util.ArrayDeque<>(List.of(1)));
        byte[] valid = codec.encode(value);
        List<Class<?>> types = List.of(CollectionKinds.class, Object.class, Map.class);
        for (int i = 0; i < 1_000; i++) {
            byte[] input = valid.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                input[random.nextInt(input.length)] = (byte) random.nextInt(256);
            }
            decodes(input, types.get(i % types.size()));
        }
        assertArrayEquals(valid, codec.encode(value), "hostile input leaves no state behind");
    }

    @Test
    void nestingIsBounded() throws IOException {
        byte[] arrays = new byte[10_001];
        java.util.Arrays.fill(arrays, (byte) 0x91); // fixarray of one element, 10,000 deep
        arrays[10_000] = (byte) 0xc0;
        IOException e = fails(arrays, Object.class);
        assertTrue(e.getMessage().contains("64 levels"), e.getMessage());
        fails(arrays, List.class);

        ByteArrayOutputStream deepTree = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            deepTree.writeBytes(bytes(0x81, 0xa8));
            deepTree.writeBytes("children".getBytes(StandardCharsets.US_ASCII));
            deepTree.writeBytes(bytes(0x91));
        }
        deepTree.writeBytes(bytes(0x80));
        fails(deepTree.toByteArray(), Tree.class);

        Tree tree = new Tree("leaf", List.of());
        for (int i = 0; i < 100; i++) {
            tree = new Tree("n" + i, List.of(tree));
        }
        Tree deep = tree;
        IOException encode = assertThrows(IOException.class, () -> codec.encode(deep));
        assertTrue(encode.getMessage().contains("64 levels"), encode.getMessage());
    }

    @Test
    void cyclicGraphsFailToEncode() {
        Link a = new Link();
        Link b = new Link();
        a.name = "a";
        a.next = b;
        b.next = a;
        IOException e = assertThrows(IOException.class, () -> codec.encode(a));
        assertTrue(e.getMessage().contains("cyclic"), e.getMessage());
        List<Object> self = new ArrayList<>();
        self.add(self);
        assertThrows(IOException.class, () -> codec.encode(self));
    }

    @Test
    void malformedValuesFailNamingClassAndField() throws IOException {
        IOException wrongType = fails(codec.encode(Map.of("x", "one", "y", 2)), Point.class);
        assertTrue(wrongType.getMessage().contains(Point.class.getName() + ".x"), wrongType.getMessage());

        IOException unknownConstant = fails(codec.encode("PURPLE"), Color.class);
        assertTrue(unknownConstant.getMessage().contains("\"PURPLE\" is not a constant of " + Color.class.getName()),
                unknownConstant.getMessage());

        IOException rejected = fails(codec.encode(Map.of("value", -1)), Positive.class);
        assertTrue(rejected.getMessage().contains("value must be positive"), rejected.getMessage());

        IOException trailing = fails(bytes(0x01, 0x02), int.class);
        assertTrue(trailing.getMessage().contains("1 bytes follow"), trailing.getMessage());

        fails(bytes(0x81, 0x01, 0x02), Point.class); // non-string key
        fails(codec.encode(70_000), char.class);
        fails(codec.encode(new byte[15]), UUID.class);
        fails(codec.encode(List.of(1, 2, 3)), Duration.class);
        fails(codec.encode(List.of(Long.MAX_VALUE, Long.MAX_VALUE)), Duration.class);
        fails(bytes(0xd4, 0x05, 0x00), Object.class); // fixext1 of an unknown type
        fails(bytes(0xd6, 0xff, 1, 2, 3), Instant.class); // fixext4 timestamp, cut short
        fails(bytes(0xc1), Object.class); // the never-used format byte
        fails(bytes(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), long.class); // uint64 above Long.MAX
        fails(new byte[0], String.class);
        byte[] valid = codec.encode(new Positive(1));
        assertEquals(new Positive(1), codec.decode(valid, 0, valid.length, Positive.class));
    }
}
