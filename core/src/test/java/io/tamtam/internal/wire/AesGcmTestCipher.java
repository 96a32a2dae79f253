package io.tamtam.internal.wire;

import io.tamtam.spi.Cipher;

import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * A test {@link Cipher} with the JCA's AES/GCM/NoPadding in the layout PROTOCOL.md specifies: a fresh
 * 12-byte nonce, then the ciphertext, then the 16-byte tag; the packet header is the additional data.
 */
public final class AesGcmTestCipher implements Cipher {
    static final int NONCE = 12;
    static final int TAG = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    /** @param key 16, 24 or 32 bytes */
    public AesGcmTestCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    @Override
    public int overhead() {
        return NONCE + TAG;
    }

    @Override
    public byte[] encrypt(byte[] plain, int offset, int length, byte[] aad) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        c.init(javax.crypto.Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce));
        c.updateAAD(aad);
        byte[] out = new byte[NONCE + c.getOutputSize(length)];
        System.arraycopy(nonce, 0, out, 0, NONCE);
        int n = c.doFinal(plain, offset, length, out, NONCE);
        if (n != out.length - NONCE) {
            throw new GeneralSecurityException("unexpected GCM output size " + n);
        }
        return out;
    }

    @Override
    public byte[] decrypt(byte[] data, int offset, int length, byte[] aad) throws GeneralSecurityException {
        if (length < NONCE + TAG) {
            throw new GeneralSecurityException("shorter than nonce and tag");
        }
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        c.init(javax.crypto.Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, data, offset, NONCE));
        c.updateAAD(aad);
        return c.doFinal(data, offset + NONCE, length - NONCE);
    }
}
