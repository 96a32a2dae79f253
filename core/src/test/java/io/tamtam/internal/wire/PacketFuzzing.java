package io.tamtam.internal.wire;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the packet fuzz targets ({@code Packet*JazzerTest}) check for each input: decoding yields a packet
 * or a {@link WireException} with a drop reason, nothing else, and the thread allocates at most a fixed
 * amount, plus a multiple of the input, plus (with a compressor) a multiple of the decompression bound.
 */
final class PacketFuzzing {
    /** The decompression bound the fuzzed codecs get. */
    static final int MAX_DECODED = 64 * 1024;
    /** Allocation allowed per decode regardless of the input. */
    static final long ALLOC_FIXED = 256 * 1024;
    /** Allocation allowed per input byte, and per byte of the decompression bound. */
    static final long ALLOC_PER_BYTE = 64;
    /** The key of the encrypting codecs. */
    static final byte[] KEY = key();

    private static final AllocationMeter METER = new AllocationMeter();

    static {
        // The first decodes load classes and fill caches; measure only what later ones allocate.
        PacketCodec plain = codec(false, false);
        PacketCodec sealed = codec(true, true);
        for (int i = 0; i < 3; i++) {
            for (String name : HexVector.names()) {
                byte[] b = HexVector.load(name).bytes();
                quietly(plain, b);
            }
            for (Message m : SampleMessages.all(600)) {
                quietly(plain, plain.encode(m));
                quietly(sealed, sealed.encode(m));
            }
        }
    }

    private PacketFuzzing() {
    }

    private static byte[] key() {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) 0x5A);
        return k;
    }

    /**
     * @param compressed with the Deflate test compressor
     * @param encrypted  with AES-GCM under {@link #KEY}
     * @return a codec of sender {@link SampleMessages#A} that compresses from 0 bytes
     */
    static PacketCodec codec(boolean compressed, boolean encrypted) {
        return new PacketCodec(SampleMessages.A, compressed ? new DeflateCompressor() : null, 0,
                encrypted ? List.of(new AesGcmTestCipher(KEY)) : List.of(), MAX_DECODED);
    }

    private static void quietly(PacketCodec codec, byte[] packet) {
        try {
            codec.decode(packet, 0, packet.length);
        } catch (WireException e) {
            // warming up
        }
    }

    /**
     * Decodes and checks the outcome and the allocation.
     *
     * @param codec      the codec
     * @param packet     the input
     * @param compressed whether the codec decompresses (its output may be up to {@link #MAX_DECODED})
     * @return the packet, or null when it was dropped
     */
    static Packet decodeOrDrop(PacketCodec codec, byte[] packet, boolean compressed) {
        long bound = ALLOC_FIXED + ALLOC_PER_BYTE * packet.length + (compressed ? ALLOC_PER_BYTE * MAX_DECODED : 0);
        Packet[] decoded = new Packet[1];
        long allocated = METER.steadyAllocation(bound, () -> decoded[0] = outcome(codec, packet));
        assertTrue(allocated <= bound, "decoding " + packet.length + " bytes allocated " + allocated
                + " bytes, more than the bound of " + bound + ": " + HexVector.hex(packet));
        return decoded[0];
    }

    private static Packet outcome(PacketCodec codec, byte[] packet) {
        try {
            Packet p = codec.decode(packet, 0, packet.length);
            assertTrue(!p.messages().isEmpty() && p.messages().size() <= WireFormat.COMPOUND_MAX_ITEMS,
                    p.messages().size() + " messages");
            return p;
        } catch (WireException e) {
            assertNotNull(e.reason(), "a drop without a reason");
        } catch (Throwable t) {
            fail("decoding threw " + t + " for " + HexVector.hex(packet), t);
        }
        return null;
    }
}
