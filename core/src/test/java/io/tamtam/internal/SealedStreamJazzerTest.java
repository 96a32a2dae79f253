package io.tamtam.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tamtam.internal.wire.AesGcmTestCipher;
import io.tamtam.internal.wire.AllocationMeter;
import io.tamtam.spi.Cipher;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of the sealed-stream chunk reader ({@link SealedStreams.Input}), fed the bytes
 * a peer sends on an encrypted stream. The first input byte picks the cipher: even, {@link AadCipher},
 * whose "sealing" is the additional data in front of the plaintext, so that the fuzzer reaches the
 * framing rules and the test knows the exact expected result (the data of the chunks up to the final
 * one, or an IOException); odd, AES-GCM, where no forged chunk may open. Only the data or an
 * IOException may come out, and allocation stays within two chunks plus a multiple of the input.
 * Replays {@code SealedStreamJazzerTestInputs/read}; {@code -Pfuzz} fuzzes.
 */
class SealedStreamJazzerTest {
    static final long OPENER = 0x0102030405060708L;
    static final long ACCEPTOR = -2L;
    static final int DIRECTION = 1;
    private static final int AAD = 25;
    private static final List<Cipher> AES = List.of(new AesGcmTestCipher(new byte[16]));
    private static final List<Cipher> TRANSPARENT = List.of(new AadCipher());
    private static final AllocationMeter METER = new AllocationMeter();

    /** A cipher that only authenticates: its output is the additional data, then the plaintext. */
    static final class AadCipher implements Cipher {
        @Override
        public int overhead() {
            return AAD;
        }

        @Override
        public byte[] encrypt(byte[] plain, int offset, int length, byte[] aad) {
            byte[] out = Arrays.copyOf(aad, aad.length + length);
            System.arraycopy(plain, offset, out, aad.length, length);
            return out;
        }

        @Override
        public byte[] decrypt(byte[] data, int offset, int length, byte[] aad) throws GeneralSecurityException {
            if (length < aad.length || !Arrays.equals(data, offset, offset + aad.length, aad, 0, aad.length)) {
                throw new GeneralSecurityException("additional data differs");
            }
            return Arrays.copyOfRange(data, offset + aad.length, offset + length);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean aes = (input[0] & 1) == 1;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        int readSize = 1 + ((input[0] & 0xFF) >>> 1) * 97;
        long bound = 256 * 1024 + 2L * (SealedStreams.CHUNK + 1024) + 64L * stream.length + 2L * readSize;
        Object[] outcome = new Object[1];
        long allocated = METER.steadyAllocation(bound, () -> outcome[0] = readAll(stream, aes, readSize));
        assertTrue(allocated <= bound, "reading " + stream.length + " bytes allocated " + allocated);
        if (aes) {
            assertTrue(!(outcome[0] instanceof byte[] got) || got.length <= stream.length, "more data than input");
            return;
        }
        byte[] expected = expected(stream);
        if (expected == null) {
            assertTrue(outcome[0] instanceof IOException, "a stream the rules refuse was read: " + outcome[0]);
        } else {
            assertTrue(outcome[0] instanceof byte[], "a valid stream failed: " + outcome[0]);
            assertArrayEquals(expected, (byte[]) outcome[0]);
        }
    }

    /** @return the bytes read up to the end of the stream, or the IOException that ended reading */
    private static Object readAll(byte[] stream, boolean aes, int readSize) {
        try (SealedStreams.Input in = new SealedStreams.Input(new ByteArrayInputStream(stream), aes ? AES : TRANSPARENT,
                OPENER, ACCEPTOR, DIRECTION)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[readSize];
            int n;
            while ((n = in.read(buf, 0, buf.length)) >= 0) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            return e;
        } catch (RuntimeException e) {
            return fail("reading a sealed stream threw " + e, e);
        }
    }

    /** @return what PROTOCOL.md §12.3 says the stream holds with {@link AadCipher}, null when it must fail */
    static byte[] expected(byte[] stream) {
        ByteBuffer b = ByteBuffer.wrap(stream);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int maxSealed = 1 + SealedStreams.CHUNK + AAD + 64;
        for (long index = 0; ; index++) {
            if (b.remaining() < 4) {
                return null;
            }
            int length = b.getInt();
            if (length < 0 || length > maxSealed || length > b.remaining() || length < AAD + 1) {
                return null;
            }
            byte[] chunk = new byte[length];
            b.get(chunk);
            ByteBuffer aad = ByteBuffer.allocate(AAD).putLong(OPENER).putLong(ACCEPTOR).put((byte) DIRECTION).putLong(index);
            if (!Arrays.equals(chunk, 0, AAD, aad.array(), 0, AAD)) {
                return null;
            }
            data.write(chunk, AAD + 1, length - AAD - 1);
            if (chunk[AAD] == 1) {
                return data.toByteArray();
            }
        }
    }
}
