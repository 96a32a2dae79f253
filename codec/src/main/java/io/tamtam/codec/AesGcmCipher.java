package io.tamtam.codec;

import io.tamtam.spi.Cipher;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.DataLengthException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-GCM with one key: output is a 12-byte nonce, the ciphertext, and a 16-byte tag, so
 * {@link #overhead()} is 28.
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
 * <p>Thread-safe: each thread keeps its own BouncyCastle GCM instance for this key.
 */
public final class AesGcmCipher implements Cipher {

    /** Nonce length in bytes. */
    public static final int NONCE_LENGTH = 12;
    /** Authentication tag length in bytes. */
    public static final int TAG_LENGTH = 16;

    private static final int TAG_BITS = TAG_LENGTH * 8;
    private static final byte[] NO_AAD = {};

    private final KeyParameter key;
    private final int noncePrefix;
    private final AtomicLong counter;
    private final ThreadLocal<Engine> encryptors = ThreadLocal.withInitial(() -> new Engine(true));
    private final ThreadLocal<Engine> decryptors = ThreadLocal.withInitial(() -> new Engine(false));

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
        this.key = new KeyParameter(key);
        SecureRandom random = new SecureRandom();
        this.noncePrefix = random.nextInt();
        this.counter = new AtomicLong(random.nextLong());
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
        byte[] nonce = nextNonce();
        GCMModeCipher gcm = encryptors.get().init(nonce, aad);
        byte[] out = new byte[NONCE_LENGTH + gcm.getOutputSize(length)];
        System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
        try {
            int n = gcm.processBytes(plain, offset, length, out, NONCE_LENGTH);
            gcm.doFinal(out, NONCE_LENGTH + n);
        } catch (InvalidCipherTextException | DataLengthException | IllegalStateException e) {
            throw new GeneralSecurityException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
        return out;
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
        if (length < overhead()) {
            throw new GeneralSecurityException("an AES-GCM packet is at least " + overhead() + " bytes, not "
                    + length);
        }
        byte[] nonce = new byte[NONCE_LENGTH];
        System.arraycopy(data, offset, nonce, 0, NONCE_LENGTH);
        GCMModeCipher gcm = decryptors.get().init(nonce, aad);
        byte[] out = new byte[length - overhead()];
        try {
            int n = gcm.processBytes(data, offset + NONCE_LENGTH, length - NONCE_LENGTH, out, 0);
            gcm.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new AEADBadTagException("AES-GCM authentication failed: the packet was altered, or was "
                    + "encrypted with another key or header; check that every node uses the same key");
        } catch (DataLengthException | IllegalStateException e) {
            throw new GeneralSecurityException("AES-GCM decryption failed: " + e.getMessage(), e);
        }
        return out;
    }

    private byte[] nextNonce() {
        long count = counter.getAndIncrement();
        byte[] nonce = new byte[NONCE_LENGTH];
        int prefix = noncePrefix;
        for (int i = 3; i >= 0; i--) {
            nonce[i] = (byte) prefix;
            prefix >>>= 8;
        }
        for (int i = NONCE_LENGTH - 1; i >= 4; i--) {
            nonce[i] = (byte) count;
            count >>>= 8;
        }
        return nonce;
    }

    /**
     * One thread's GCM instance for one direction; the key schedule is set on first use and reused.
     * Encryption and decryption never share an instance, so nonces chosen by a peer cannot trip
     * BouncyCastle's nonce-reuse check on our own encryptions.
     */
    private final class Engine {

        private final GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        private final boolean encrypt;
        private boolean keyed;

        Engine(boolean encrypt) {
            this.encrypt = encrypt;
        }

        GCMModeCipher init(byte[] nonce, byte[] aad) throws GeneralSecurityException {
            KeyParameter keyParameter = keyed ? null : key;
            try {
                gcm.init(encrypt, new AEADParameters(keyParameter, TAG_BITS, nonce, aad == null ? NO_AAD : aad));
            } catch (IllegalArgumentException e) {
                throw new GeneralSecurityException("AES-GCM could not start: " + e.getMessage(), e);
            }
            keyed = true;
            return gcm;
        }
    }
}
