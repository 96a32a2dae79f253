package io.tamtam.codec;

import io.tamtam.spi.Cipher;
import io.tamtam.spi.CipherFactory;

/**
 * A {@link CipherFactory} for AES in Galois/Counter Mode with 128-, 192- or 256-bit keys, using the
 * JDK's {@code AES/GCM/NoPadding}. See {@link AesGcmCipher} for the packet layout and nonce scheme.
 */
public final class AesGcmCipherFactory implements CipherFactory {

    /** Creates the factory. */
    public AesGcmCipherFactory() {
    }

    /** @return {@code "AES-GCM"} */
    @Override
    public String algorithm() {
        return "AES-GCM";
    }

    /**
     * @param key a 16-, 24- or 32-byte AES key; it is copied
     * @return a cipher for that key
     * @throws IllegalArgumentException when the key has another length
     */
    @Override
    public Cipher create(byte[] key) {
        return new AesGcmCipher(key);
    }
}
