package io.tamtam.agent;

import io.tamtam.Keyring;

import java.util.Base64;

/** Test AES-256 keys, numbered: key n is 32 bytes of value n. */
final class TestKeys {
    private TestKeys() {
    }

    static byte[] bytes(int n) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) n);
        return k;
    }

    /** @return key n as the agent's --key option and the keys commands take it */
    static String base64(int n) {
        return Base64.getEncoder().encodeToString(bytes(n));
    }

    /** @return how reports name key n */
    static String fingerprint(int n) {
        return Keyring.fingerprint(bytes(n));
    }
}
