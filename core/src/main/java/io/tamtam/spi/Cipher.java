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

    /**
     * Encrypts into a buffer the caller owns, so a caller that seals many chunks allocates nothing per
     * chunk. The default calls {@link #encrypt(byte[], int, int, byte[])} and copies its result.
     *
     * @param plain     plaintext
     * @param offset    where it starts
     * @param length    its length
     * @param aad       additional data authenticated but not encrypted
     * @param out       receives the same bytes {@link #encrypt(byte[], int, int, byte[])} returns; it must not
     *                  overlap the plaintext
     * @param outOffset where they go; {@code length + overhead()} bytes must fit from there
     * @return the number of bytes written, {@code length + overhead()}
     * @throws GeneralSecurityException when encryption fails
     */
    default int encrypt(byte[] plain, int offset, int length, byte[] aad, byte[] out, int outOffset)
            throws GeneralSecurityException {
        byte[] sealed = encrypt(plain, offset, length, aad);
        System.arraycopy(sealed, 0, out, outOffset, sealed.length);
        return sealed.length;
    }

    /**
     * Decrypts into a buffer the caller owns. The default calls {@link #decrypt(byte[], int, int, byte[])}
     * and copies its result.
     *
     * @param data      output of {@link #encrypt}
     * @param offset    where it starts
     * @param length    its length
     * @param aad       the same additional data given to {@link #encrypt}
     * @param out       receives the plaintext; it must not overlap the data
     * @param outOffset where it goes; {@code length - overhead()} bytes must fit from there
     * @return the length of the plaintext
     * @throws GeneralSecurityException when the data was not produced with this key and aad; {@code out}
     *                                  may then hold bytes that are not the plaintext
     */
    default int decrypt(byte[] data, int offset, int length, byte[] aad, byte[] out, int outOffset)
            throws GeneralSecurityException {
        byte[] plain = decrypt(data, offset, length, aad);
        System.arraycopy(plain, 0, out, outOffset, plain.length);
        return plain.length;
    }
}
