package io.tamtam.spi;

import java.security.GeneralSecurityException;

/**
 * Authenticated encryption of packet bodies with one key. Instances come from a
 * {@link CipherFactory} and are thread-safe.
 */
public interface Cipher {

    /** @return bytes added to every plaintext (nonce, tag, ...) */
    int overhead();

    /**
     * @param plain  plaintext
     * @param offset where it starts
     * @param length its length
     * @param aad    additional data authenticated but not encrypted (the packet header)
     * @return nonce, ciphertext and tag
     * @throws GeneralSecurityException when encryption fails
     */
    byte[] encrypt(byte[] plain, int offset, int length, byte[] aad) throws GeneralSecurityException;

    /**
     * @param data   output of {@link #encrypt}
     * @param offset where it starts
     * @param length its length
     * @param aad    the same additional data given to {@link #encrypt}
     * @return the plaintext
     * @throws GeneralSecurityException when the data was not produced with this key and aad
     */
    byte[] decrypt(byte[] data, int offset, int length, byte[] aad) throws GeneralSecurityException;
}
