package io.tamtam.internal.wire;

import io.tamtam.DropReason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded random mutations of valid packets: decoding either succeeds or throws {@link WireException},
 * never anything else, and never allocates more than a small multiple of its input.
 */
class PacketCodecFuzzTest {
    private static final long SEED = 0x7A77A3L;
    private static final int ROUNDS = 20_000;
    private static final int MAX_DECODED = 64 * 1024;
    /** Allocation allowed per decode of a plaintext packet: fixed part plus a multiple of its length. */
    private static final long ALLOC_FIXED = 256 * 1024;
    private static final long ALLOC_PER_BYTE = 64;
    private static final int[] LENGTHS = {0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF};

    private final AllocationMeter meter = new AllocationMeter();

    /** A packet to mutate and the codec that decodes it. */
    private record Seed(byte[] packet, PacketCodec codec, boolean plain) {
    }

    private static List<Seed> seeds() {
        PacketCodec plain = new PacketCodec(SampleMessages.A, null, Integer.MAX_VALUE, List.of(), MAX_DECODED);
        PacketCodec deflate = new PacketCodec(SampleMessages.A, new DeflateCompressor(), 0, List.of(), MAX_DECODED);
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        PacketCodec aes = new PacketCodec(SampleMessages.A, null, Integer.MAX_VALUE, List.of(new AesGcmTestCipher(key)), MAX_DECODED);

        List<Seed> out = new ArrayList<>();
        for (String name : HexVector.names()) {
            HexVector v = HexVector.load(name);
            out.add(new Seed(v.bytes(), plain, true));
        }
        for (int size : new int[] {0, 5, 300}) {
            List<Message> all = SampleMessages.all(size);
            List<byte[]> items = new ArrayList<>();
            for (Message m : all) {
                out.add(new Seed(plain.encode(m), plain, true));
                items.add(PacketCodec.item(m));
            }
            out.add(new Seed(plain.encodeItems(items), plain, true));
            out.add(new Seed(deflate.encodeItems(items), deflate, false));
            out.add(new Seed(aes.encodeItems(items.subList(0, 4)), aes, false));
        }
        out.add(new Seed(deflate.encode(new Message.User(128, SampleMessages.text(MAX_DECODED - 100))), deflate, false));
        return out;
    }

    @Test
    void mutatedPacketsDecodeOrFailWithAWireException() {
        Random random = new Random(SEED);
        List<Seed> seeds = seeds();
        boolean measure = meter.supported();
        for (Seed s : seeds) {
            outcome(s.codec(), s.packet());
        }
        Map<DropReason, Integer> reasons = new EnumMap<>(DropReason.class);
        int decoded = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Seed s = seeds.get(random.nextInt(seeds.size()));
            byte[] packet = s.packet();
            int mutations = 1 + random.nextInt(3);
            for (int i = 0; i < mutations; i++) {
                packet = mutate(packet, random);
            }
            long before = measure ? meter.allocatedBytes() : 0;
            DropReason r = outcome(s.codec(), packet);
            if (measure && s.plain()) {
                long allocated = meter.allocatedBytes() - before;
                long bound = ALLOC_FIXED + ALLOC_PER_BYTE * packet.length;
                assertTrue(allocated <= bound, "round " + round + ": decoding " + packet.length + " bytes allocated "
                        + allocated + " bytes: " + HexVector.hex(packet));
            }
            if (r == null) {
                decoded++;
            } else {
                reasons.merge(r, 1, Integer::sum);
            }
        }
        assertTrue(decoded > 0, "no mutated packet decoded; the mutations are too destructive to test anything");
        for (DropReason expected : List.of(DropReason.TRUNCATED, DropReason.MALFORMED, DropReason.BAD_MAGIC,
                DropReason.UNSUPPORTED_VERSION, DropReason.UNAUTHENTICATED, DropReason.BAD_COMPRESSION)) {
            assertTrue(reasons.containsKey(expected), "no mutation was dropped as " + expected + ": " + reasons);
        }
    }

    /** @return null when decoded, else the drop reason; fails the test on any other outcome */
    private static DropReason outcome(PacketCodec codec, byte[] packet) {
        try {
            codec.decode(packet, 0, packet.length);
            return null;
        } catch (WireException e) {
            return e.reason();
        } catch (Throwable t) {
            fail("decoding threw " + t + " for " + HexVector.hex(packet), t);
            return null;
        }
    }

    private static byte[] mutate(byte[] in, Random random) {
        byte[] b = in.clone();
        switch (random.nextInt(8)) {
            case 0 -> {
                if (b.length > 0) {
                    int i = random.nextInt(b.length);
                    b[i] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> {
                if (b.length > 0) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 2 -> b = Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length));
            case 3 -> {
                int extra = 1 + random.nextInt(32);
                b = Arrays.copyOf(b, b.length + extra);
                for (int i = in.length; i < b.length; i++) {
                    b[i] = (byte) random.nextInt(256);
                }
            }
            case 4, 5 -> {
                // A length field: u8, u16 or u32 at a random offset past the header, mostly extreme values.
                int width = new int[] {1, 2, 4}[random.nextInt(3)];
                if (b.length >= WireFormat.HEADER_SIZE + width) {
                    int at = WireFormat.HEADER_SIZE + random.nextInt(b.length - WireFormat.HEADER_SIZE - width + 1);
                    int v = random.nextBoolean() ? LENGTHS[random.nextInt(LENGTHS.length)] : random.nextInt();
                    for (int i = 0; i < width; i++) {
                        b[at + i] = (byte) (v >>> (8 * (width - 1 - i)));
                    }
                }
            }
            case 6 -> {
                // A byte removed or inserted in the middle.
                if (b.length > 1) {
                    int at = random.nextInt(b.length);
                    byte[] c = new byte[random.nextBoolean() ? b.length - 1 : b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    if (c.length < b.length) {
                        System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    } else {
                        c[at] = (byte) random.nextInt(256);
                        System.arraycopy(b, at, c, at + 1, b.length - at);
                    }
                    b = c;
                }
            }
            default -> {
                // Header fields: version, flags or type.
                if (b.length >= WireFormat.HEADER_SIZE) {
                    int at = 2 + random.nextInt(3);
                    b[at] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(at == 4 ? 0x18 : 4));
                }
            }
        }
        return b;
    }

    @Test
    void hugeCountsAndLengthsAreRefusedBeforeAllocating() throws WireException {
        assertTrue(meter.supported(), "this JVM does not report per-thread allocation; the bound cannot be checked");
        HexVector members = HexVector.load("bad-push-pull-count");
        HexVector blob = HexVector.load("bad-blob-huge");
        PacketCodec codec = new PacketCodec(SampleMessages.A, null, Integer.MAX_VALUE, List.of(), 1 << 20);
        assertEquals(0x7FFFFFFF, new WireReader(members.bytes(), 26, 4).i32(), "the vector claims 2^31-1 members");
        assertEquals(0x7FFFFFFF, new WireReader(blob.bytes(), 47, 4).i32(), "the vector claims 2^31-1 bytes");
        for (HexVector v : List.of(members, blob, members, blob)) {
            long before = meter.allocatedBytes();
            DropReason r = outcome(codec, v.bytes());
            long allocated = meter.allocatedBytes() - before;
            assertEquals(DropReason.TRUNCATED, r, v.name());
            assertTrue(allocated < 64 * 1024, v.name() + " allocated " + allocated + " bytes");
        }
    }
}
