package io.tamtam.spi;

/**
 * Creates {@link Cipher}s from keys. Found by {@link java.util.ServiceLoader} or set with
 * {@link io.tamtam.ClusterConfig.Builder#cipherFactory(CipherFactory)}. A configuration with an
 * encryption key but no cipher factory does not build: TamTam never silently sends plaintext.
 */
public interface CipherFactory {

    /** @return the algorithm, such as {@code "AES-GCM"} */
    String algorithm();

    /**
     * @param key the secret key
     * @return a cipher for that key
     * @throws IllegalArgumentException when the key has a length the algorithm does not accept; the
     *                                  message names the accepted lengths
     */
    Cipher create(byte[] key);
}
