package io.tamtam.benchmarks.workloads;

import io.tamtam.codec.AesGcmCipherFactory;
import io.tamtam.spi.Cipher;

import java.security.GeneralSecurityException;

/**
 * How fast this JVM seals and opens an encrypted stream's chunks on one thread: the codec's AES-GCM
 * cipher (the JDK's {@code AES/GCM/NoPadding}) over a payload cut into chunks of a final-flag byte and
 * {@link #CHUNK} data bytes, as PROTOCOL.md §12.3 lays out a sealed stream, with 25 bytes of additional
 * data; sealing copies each chunk behind its flag byte first, as the stream does. An encrypted stream does this work on its writer's and its reader's thread on top of what a
 * plaintext stream does, so W5 reports it next to the encrypted stream's rate.
 */
final class CipherRate {
    /** Data bytes per sealed stream chunk (PROTOCOL.md §12.3). */
    static final int CHUNK = 64 * 1024;

    private CipherRate() {
    }

    /**
     * Seals the payload chunk by chunk, then opens every chunk, and checks the last one came back whole.
     *
     * @param key     a 32-byte key
     * @param payload the bytes, a multiple of {@code chunk} long
     * @param chunk   data bytes per chunk
     * @return nanoseconds spent sealing, then opening
     */
    static long[] sealAndOpen(byte[] key, byte[] payload, int chunk) {
        Cipher cipher = new AesGcmCipherFactory().create(key);
        int chunks = payload.length / chunk;
        byte[] plain = new byte[1 + chunk];
        byte[] aad = new byte[25];
        byte[][] sealed = new byte[chunks][1 + chunk + cipher.overhead()];
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < chunks; i++) {
                System.arraycopy(payload, i * chunk, plain, 1, chunk);
                aad[24] = (byte) i;
                cipher.encrypt(plain, 0, plain.length, aad, sealed[i], 0);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < chunks; i++) {
                aad[24] = (byte) i;
                cipher.decrypt(sealed[i], 0, sealed[i].length, aad, plain, 0);
            }
            long t2 = System.nanoTime();
            if (!java.util.Arrays.equals(plain, 1, plain.length, payload, payload.length - chunk, payload.length)) {
                throw new IllegalStateException("an opened chunk differs from the sealed one");
            }
            return new long[] {t1 - t0, t2 - t1};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e.getMessage(), e);
        }
    }
}
