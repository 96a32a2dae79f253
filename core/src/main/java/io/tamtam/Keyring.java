package io.tamtam;

import java.util.concurrent.CompletableFuture;

/**
 * Live key rotation across the cluster (Serf's {@code keys -install/-use/-remove/-list}), from
 * {@link Cluster#keyring()}. Each operation is applied to this node, then sent, sealed with this node's
 * primary key, to every live member, which applies it to its own keys and answers; the future completes
 * with a {@link KeyringReport} of who acknowledged, who failed (refused, or no answer within
 * {@code reliableTimeout}) and which keys each node holds. A node tries every key it holds to open a
 * packet, so rotating without a failed packet takes three steps, each complete on every node before the
 * next: {@code install(new)}, {@code use(new)}, {@code remove(old)}. A node that was down meanwhile can
 * rejoin while a key it holds is still installed on the others. Only a node started with encryption keys
 * ({@link ClusterConfig.Builder#encryptionKeys}) has a keyring; keys are the cipher's (32 bytes for
 * AES-256-GCM), and reports name them by fingerprint only.
 */
public interface Keyring {

    /**
     * @param key a key to decrypt with from now on (no change where it is installed already)
     * @return the report; fails with {@link IllegalArgumentException} when the cipher refuses the key
     */
    CompletableFuture<KeyringReport> install(byte[] key);

    /**
     * @param key an installed key to encrypt with from now on; a node that lacks it refuses
     * @return the report
     */
    CompletableFuture<KeyringReport> use(byte[] key);

    /**
     * @param key a key to forget; refused where it is the primary key (switch with {@link #use} first)
     * @return the report
     */
    CompletableFuture<KeyringReport> remove(byte[] key);

    /** @return the report of the keys each node holds; changes nothing */
    CompletableFuture<KeyringReport> list();

    /**
     * @param key a key
     * @return how reports name it: the first 8 bytes of its SHA-256, in hex
     */
    static String fingerprint(byte[] key) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(key);
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
