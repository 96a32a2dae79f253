package io.tamtam.internal;

import io.tamtam.internal.wire.AesGcmTestCipher;
import io.tamtam.spi.Cipher;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Sealed streams across many chunks: every chunk is sealed into, and opened from, the same buffers. */
class SealedStreamsTest {
    private static final long OPENER = 11;
    private static final long ACCEPTOR = -12;
    private final Cipher cipher = new AesGcmTestCipher(new byte[32]);

    @Test
    void bytesWrittenInMixedSizesAcrossManyChunksReadBackUnchanged() throws IOException {
        byte[] data = new byte[5 * SealedStreams.CHUNK + 1234];
        new SplittableRandom(3).nextBytes(data);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (SealedStreams.Output out = new SealedStreams.Output(wire, cipher, OPENER, ACCEPTOR, 0)) {
            int off = 0;
            int[] sizes = {1, 1000, SealedStreams.CHUNK, 3 * SealedStreams.CHUNK + 7, 17};
            for (int i = 0; off < data.length; i++) {
                int n = Math.min(sizes[i % sizes.length], data.length - off);
                out.write(data, off, n);
                off += n;
                if (i == 1) {
                    out.flush(); // a short chunk in the middle
                }
            }
        }
        byte[] sealed = wire.toByteArray();
        assertEquals(7, countChunks(sealed), "1,001 bytes flushed, then five full chunks, then the final 233 bytes");
        for (int readSize : new int[] {1, 4096, 3 * SealedStreams.CHUNK}) {
            assertArrayEquals(data, readAll(sealed, readSize), "read " + readSize + " bytes at a time");
        }
    }

    @Test
    void aTamperedChunkAfterGoodOnesFailsTheRead() throws IOException {
        byte[] data = new byte[3 * SealedStreams.CHUNK];
        new SplittableRandom(4).nextBytes(data);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (SealedStreams.Output out = new SealedStreams.Output(wire, cipher, OPENER, ACCEPTOR, 0)) {
            out.write(data);
        }
        byte[] sealed = wire.toByteArray();
        sealed[sealed.length - 40] ^= 1; // inside the last chunk
        assertThrows(IOException.class, () -> readAll(sealed, 8192));
    }

    @Test
    void flushWritesEverySealedChunkHeldBackForOneLargerWrite() throws IOException {
        byte[] data = new byte[2 * SealedStreams.CHUNK + 5];
        new SplittableRandom(5).nextBytes(data);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        SealedStreams.Output out = new SealedStreams.Output(wire, cipher, OPENER, ACCEPTOR, 0);
        out.write(data);
        assertEquals(0, wire.size(), "two full chunks wait for more before one write");
        out.flush();
        byte[] sealed = wire.toByteArray();
        assertEquals(3, countChunks(sealed));
        SealedStreams.Input in = new SealedStreams.Input(new ByteArrayInputStream(sealed), List.of(cipher),
                OPENER, ACCEPTOR, 0);
        assertArrayEquals(data, in.readNBytes(data.length), "every byte written before the flush arrives");
        assertThrows(IOException.class, in::read, "no final chunk yet: the stream was cut short");
    }

    @Test
    void buffersLeftByFinishedStreamsServeLaterOnesWithoutMixingTheirBytes() throws IOException {
        byte[] first = new byte[2 * SealedStreams.CHUNK + 99];
        byte[] second = new byte[3 * SealedStreams.CHUNK + 1];
        new SplittableRandom(6).nextBytes(first);
        new SplittableRandom(7).nextBytes(second);
        ByteArrayOutputStream wire1 = new ByteArrayOutputStream();
        SealedStreams.Output out1 = new SealedStreams.Output(wire1, cipher, OPENER, ACCEPTOR, 0);
        out1.write(first);
        out1.close(); // its buffers go to the next stream
        assertThrows(IOException.class, () -> out1.write(first), "a closed stream takes no more bytes");
        out1.flush();
        out1.close();
        SealedStreams.Input in1 = new SealedStreams.Input(new ByteArrayInputStream(wire1.toByteArray()),
                List.of(cipher), OPENER, ACCEPTOR, 0);
        byte[] half = in1.readNBytes(SealedStreams.CHUNK);
        // While the first stream's reader is still reading, a second stream is written and read in full.
        ByteArrayOutputStream wire2 = new ByteArrayOutputStream();
        try (SealedStreams.Output out2 = new SealedStreams.Output(wire2, cipher, OPENER, ACCEPTOR, 1)) {
            out2.write(second);
        }
        try (SealedStreams.Input in2 = new SealedStreams.Input(new ByteArrayInputStream(wire2.toByteArray()),
                List.of(cipher), OPENER, ACCEPTOR, 1)) {
            assertArrayEquals(second, in2.readAllBytes());
            assertEquals(-1, in2.read(), "still the end after its buffers went to later streams");
            assertEquals(0, in2.available());
        }
        byte[] rest = in1.readAllBytes();
        assertEquals(-1, in1.read());
        byte[] got = new byte[first.length];
        System.arraycopy(half, 0, got, 0, half.length);
        System.arraycopy(rest, 0, got, half.length, rest.length);
        assertArrayEquals(first, got);
    }

    private byte[] readAll(byte[] sealed, int readSize) throws IOException {
        try (SealedStreams.Input in = new SealedStreams.Input(new ByteArrayInputStream(sealed), List.of(cipher),
                OPENER, ACCEPTOR, 0)) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[readSize];
            int n;
            while ((n = in.read(buf, 0, buf.length)) >= 0) {
                got.write(buf, 0, n);
            }
            return got.toByteArray();
        }
    }

    private static int countChunks(byte[] sealed) {
        int count = 0;
        for (int at = 0; at < sealed.length; count++) {
            at += 4 + ((sealed[at] & 0xFF) << 24 | (sealed[at + 1] & 0xFF) << 16 | (sealed[at + 2] & 0xFF) << 8
                    | (sealed[at + 3] & 0xFF));
        }
        return count;
    }
}
