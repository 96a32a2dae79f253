package io.tamtam.benchmarks.workloads;

import io.tamtam.codec.AesGcmCipherFactory;
import io.tamtam.spi.Cipher;

import java.security.GeneralSecurityException;

/**
 * How fast this JVM seals and opens an encrypted stream's chunks on one thread: the codec's AES-GCM
 * cipher (the JDK's {@code AES/GCM/NoPadding}) over a payload cut into chunks of a final-flag byte and
 * {@link #CHUNK} data bytes, as PROTOCOL.md §12.3 lays out a sealed stream, with 25 bytes of additional
 * data; sealing copies each chunk behind its flag byte first, as the stream does. An encrypted stream
 * does this work on its writer's and its reader's thread on top of what a plaintext stream does, so W5
 * reports it next to the encrypted stream's rate.
 */
final class CipherRate {
    /** Data bytes per sealed stream chunk (PROTOCOL.md §12.3). */
    static final int CHUNK = 64 * 1024;

    private CipherRate() {
    }

    /**
     * Seals each chunk of the payload and opens it again, into buffers reused for every chunk (so the
     * measurement leaves no garbage behind for the transfers around it), and checks every chunk came back
     * whole.
     *
     * @param key     a 32-byte key
     * @param payload the bytes, a multiple of {@code chunk} long
     * @param chunk   data bytes per chunk
     * @return nanoseconds spent sealing, then opening, summed over the chunks
     */
    static long[] sealAndOpen(byte[] key, byte[] payload, int chunk) {
        Cipher cipher = new AesGcmCipherFactory().create(key);
        byte[] plain = new byte[1 + chunk];
        byte[] opened = new byte[1 + chunk];
        byte[] sealed = new byte[1 + chunk + cipher.overhead()];
        byte[] aad = new byte[25];
        long sealing = 0;
        long opening = 0;
        try {
            for (int off = 0; off + chunk <= payload.length; off += chunk) {
                aad[24]++;
                long t0 = System.nanoTime();
                System.arraycopy(payload, off, plain, 1, chunk);
                int n = cipher.encrypt(plain, 0, plain.length, aad, sealed, 0);
                long t1 = System.nanoTime();
                cipher.decrypt(sealed, 0, n, aad, opened, 0);
                long t2 = System.nanoTime();
                sealing += t1 - t0;
                opening += t2 - t1;
                if (!java.util.Arrays.equals(opened, 1, opened.length, payload, off, off + chunk)) {
                    throw new IllegalStateException("an opened chunk differs from the sealed one");
                }
            }
            return new long[] {sealing, opening};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
    }
}
