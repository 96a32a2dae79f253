package io.tamtam.codec;

import io.tamtam.spi.Cipher;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with one key: output is a 12-byte nonce, the ciphertext, and a 16-byte tag, so
 * {@link #overhead()} is 28.
 *
 * <p>Runs on the JDK's {@code AES/GCM/NoPadding} ({@link javax.crypto.Cipher}), which uses the AES and
 * carry-less multiply instructions of the CPU where the JVM has intrinsics for them.
 *
 * <p>Nonces: each cipher draws a random 32-bit prefix and a random 64-bit starting counter from
 * {@link SecureRandom} when created, and every encryption takes the next counter value. Within one
 * cipher a nonce therefore never repeats (the counter would have to run through 2^64 encryptions).
 * Every node of a cluster holds its own cipher for the same key, so across nodes a repeat requires two
 * ciphers whose random 96-bit starting points lie within the number of packets they send of each other,
 * a chance of about (ciphers² × packets per cipher) / 2^96; unlike fully random nonces, it does not grow
 * with the square of the number of packets, so the 2^32-messages-per-key limit for random nonces does not
 * apply.
 *
 * <p>Thread-safe: {@link javax.crypto.Cipher} instances are not, so each thread keeps one instance per
 * direction for this key.
 */
public final class AesGcmCipher implements Cipher {

    /** Nonce length in bytes. */
    public static final int NONCE_LENGTH = 12;
    /** Authentication tag length in bytes. */
    public static final int TAG_LENGTH = 16;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int TAG_BITS = TAG_LENGTH * 8;

    private final SecretKeySpec key;
    private final int noncePrefix;
    private final AtomicLong counter;
    // Encryption and decryption never share an instance, so a nonce chosen by a peer can never be
    // mistaken by the JDK for a reuse of our own encryption nonce.
    private final ThreadLocal<javax.crypto.Cipher> encryptors = ThreadLocal.withInitial(AesGcmCipher::newJdkCipher);
    private final ThreadLocal<javax.crypto.Cipher> decryptors = ThreadLocal.withInitial(AesGcmCipher::newJdkCipher);

    /**
     * @param key a 16-, 24- or 32-byte AES key; it is copied
     * @throws IllegalArgumentException when the key has another length
     */
    AesGcmCipher(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("an AES-GCM key must be 16, 24 or 32 bytes long, not "
                    + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
        SecureRandom random = new SecureRandom();
        this.noncePrefix = random.nextInt();
        this.counter = new AtomicLong(random.nextLong());
    }

    private static javax.crypto.Cipher newJdkCipher() {
        try {
            return javax.crypto.Cipher.getInstance(TRANSFORMATION);
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("this JDK offers no " + TRANSFORMATION
                    + "; every Java SE 17 runtime must, so check the java.security provider list", e);
        }
    }

    /** @return 28: the 12-byte nonce and the 16-byte tag */
    @Override
    public int overhead() {
        return NONCE_LENGTH + TAG_LENGTH;
    }

    /**
     * @param plain  plaintext
     * @param offset where it starts
     * @param length its length
     * @param aad    data authenticated but not encrypted; null means none
     * @return nonce, ciphertext and tag
     * @throws GeneralSecurityException when encryption fails
     */
    @Override
    public byte[] encrypt(byte[] plain, int offset, int length, byte[] aad) throws GeneralSecurityException {
        Objects.checkFromIndexSize(offset, length, plain.length);
        byte[] out = new byte[NONCE_LENGTH + length + TAG_LENGTH];
        encrypt(plain, offset, length, aad, out, 0);
        return out;
    }

    /**
     * Encrypts into {@code out}: nonce, ciphertext and tag, as {@link #encrypt(byte[], int, int, byte[])}
     * returns them.
     *
     * @param plain     plaintext
     * @param offset    where it starts
     * @param length    its length
     * @param aad       data authenticated but not encrypted; null means none
     * @param out       receives nonce, ciphertext and tag; must not overlap the plaintext
     * @param outOffset where they go
     * @return {@code length + 28}
     * @throws GeneralSecurityException when encryption fails
     */
    @Override
    public int encrypt(byte[] plain, int offset, int length, byte[] aad, byte[] out, int outOffset)
            throws GeneralSecurityException {
        Objects.checkFromIndexSize(offset, length, plain.length);
        Objects.checkFromIndexSize(outOffset, NONCE_LENGTH + length + TAG_LENGTH, out.length);
        writeNextNonce(out, outOffset);
        javax.crypto.Cipher gcm = encryptors.get();
        gcm.init(javax.crypto.Cipher.ENCRYPT_MODE, key,
                new GCMParameterSpec(TAG_BITS, out, outOffset, NONCE_LENGTH));
        if (aad != null && aad.length > 0) {
            gcm.updateAAD(aad);
        }
        return NONCE_LENGTH + gcm.doFinal(plain, offset, length, out, outOffset + NONCE_LENGTH);
    }

    /**
     * @param data   nonce, ciphertext and tag from {@link #encrypt}
     * @param offset where they start
     * @param length their length
     * @param aad    the additional data given to {@link #encrypt}; null means none
     * @return the plaintext
     * @throws GeneralSecurityException when the data is shorter than the overhead, or was not encrypted
     *                                  with this key and aad, or was altered
     */
    @Override
    public byte[] decrypt(byte[] data, int offset, int length, byte[] aad) throws GeneralSecurityException {
        Objects.checkFromIndexSize(offset, length, data.length);
        checkLength(length);
        byte[] out = new byte[length - overhead()];
        decrypt(data, offset, length, aad, out, 0);
        return out;
    }

    /**
     * Decrypts into {@code out}.
     *
     * @param data      nonce, ciphertext and tag from {@link #encrypt}
     * @param offset    where they start
     * @param length    their length
     * @param aad       the additional data given to {@link #encrypt}; null means none
     * @param out       receives the plaintext; must not overlap the data
     * @param outOffset where it goes
     * @return the plaintext's length, {@code length - 28}
     * @throws GeneralSecurityException when the data is shorter than the overhead, or was not encrypted
     *                                  with this key and aad, or was altered
     */
    @Override
    public int decrypt(byte[] data, int offset, int length, byte[] aad, byte[] out, int outOffset)
            throws GeneralSecurityException {
        Objects.checkFromIndexSize(offset, length, data.length);
        checkLength(length);
        Objects.checkFromIndexSize(outOffset, length - overhead(), out.length);
        javax.crypto.Cipher gcm = decryptors.get();
        gcm.init(javax.crypto.Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, offset, NONCE_LENGTH));
        if (aad != null && aad.length > 0) {
            gcm.updateAAD(aad);
        }
        try {
            return gcm.doFinal(data, offset + NONCE_LENGTH, length - NONCE_LENGTH, out, outOffset);
        } catch (AEADBadTagException e) {
            throw new AEADBadTagException("AES-GCM authentication failed: the packet was altered, or was "
                    + "encrypted with another key or header; check that every node uses the same key");
        }
    }

    private void checkLength(int length) throws GeneralSecurityException {
        if (length < overhead()) {
            throw new GeneralSecurityException("an AES-GCM packet is at least " + overhead() + " bytes, not "
                    + length);
        }
    }

    private void writeNextNonce(byte[] out, int at) {
        long count = counter.getAndIncrement();
        int prefix = noncePrefix;
        for (int i = 3; i >= 0; i--) {
            out[at + i] = (byte) prefix;
            prefix >>>= 8;
        }
        for (int i = NONCE_LENGTH - 1; i >= 4; i--) {
            out[at + i] = (byte) count;
            count >>>= 8;
        }
    }
}
