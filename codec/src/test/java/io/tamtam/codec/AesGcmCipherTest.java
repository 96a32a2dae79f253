package io.tamtam.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tamtam.spi.Cipher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class AesGcmCipherTest {

    private static final byte[] AAD = {1, 2, 3, 4};
    private final AesGcmCipherFactory factory = new AesGcmCipherFactory();
    private final Random random = new Random(5);

    private byte[] key(int length) {
        byte[] key = new byte[length];
        random.nextBytes(key);
        return key;
    }

    @Test
    void roundTripsWithEveryKeySize() throws GeneralSecurityException {
        assertEquals("AES-GCM", factory.algorithm());
        byte[] plain = "ping from node-1".getBytes(StandardCharsets.UTF_8);
        for (int size : new int[] {16, 24, 32}) {
            Cipher cipher = factory.create(key(size));
            assertEquals(28, cipher.overhead());
            byte[] sealed = cipher.encrypt(plain, 0, plain.length, AAD);
            assertEquals(plain.length + 28, sealed.length);
            assertArrayEquals(plain, cipher.decrypt(sealed, 0, sealed.length, AAD), "key of " + size + " bytes");
            assertTrue(!Arrays.equals(plain, Arrays.copyOfRange(sealed, 12, 12 + plain.length)), "encrypted");
        }
    }

    @Test
    void roundTripsSlicesEmptyPlaintextAndNullAad() throws GeneralSecurityException {
        Cipher cipher = factory.create(key(16));
        byte[] sealed = cipher.encrypt(new byte[0], 0, 0, null);
        assertEquals(28, sealed.length);
        assertArrayEquals(new byte[0], cipher.decrypt(sealed, 0, sealed.length, new byte[0]));

        byte[] plain = new byte[1000];
        random.nextBytes(plain);
        byte[] part = cipher.encrypt(plain, 100, 500, AAD);
        byte[] padded = new byte[part.length + 9];
        System.arraycopy(part, 0, padded, 4, part.length);
        assertArrayEquals(Arrays.copyOfRange(plain, 100, 600), cipher.decrypt(padded, 4, part.length, AAD));
    }

    @Test
    void anotherCipherWithTheSameKeyDecrypts() throws GeneralSecurityException {
        byte[] key = key(32);
        byte[] plain = {9, 8, 7};
        byte[] sealed = factory.create(key).encrypt(plain, 0, plain.length, AAD);
        assertArrayEquals(plain, factory.create(key.clone()).decrypt(sealed, 0, sealed.length, AAD));
    }

    @Test
    void wrongKeyFails() throws GeneralSecurityException {
        byte[] plain = {1, 2, 3};
        byte[] sealed = factory.create(key(16)).encrypt(plain, 0, plain.length, AAD);
        Cipher other = factory.create(key(16));
        assertThrows(AEADBadTagException.class, () -> other.decrypt(sealed, 0, sealed.length, AAD));
    }

    @Test
    void everyTamperedByteFails() throws GeneralSecurityException {
        Cipher cipher = factory.create(key(24));
        byte[] plain = "membership update".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = cipher.encrypt(plain, 0, plain.length, AAD);
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            int position = i;
            assertThrows(GeneralSecurityException.class, () -> cipher.decrypt(tampered, 0, tampered.length, AAD),
                    () -> "flipped byte " + position);
        }
        assertArrayEquals(plain, cipher.decrypt(sealed, 0, sealed.length, AAD), "the original still decrypts");
    }

    @Test
    void wrongAadFails() throws GeneralSecurityException {
        Cipher cipher = factory.create(key(32));
        byte[] sealed = cipher.encrypt(new byte[] {5}, 0, 1, AAD);
        assertThrows(AEADBadTagException.class, () -> cipher.decrypt(sealed, 0, sealed.length, new byte[] {1, 2, 3, 5}));
        assertThrows(AEADBadTagException.class, () -> cipher.decrypt(sealed, 0, sealed.length, null));
    }

    @Test
    void inputShorterThanTheOverheadFails() {
        Cipher cipher = factory.create(key(16));
        for (int length = 0; length < 28; length++) {
            byte[] data = new byte[length];
            GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                    () -> cipher.decrypt(data, 0, data.length, AAD));
            assertTrue(e.getMessage().contains("28"), e.getMessage());
        }
    }

    @Test
    void badKeyLengthsNameTheAcceptedOnes() {
        for (int length : new int[] {0, 1, 15, 17, 23, 25, 31, 33, 64}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> factory.create(new byte[length]));
            assertTrue(e.getMessage().contains("16, 24 or 32"), e.getMessage());
        }
    }

    @Test
    void aPeerChosenNonceCannotBlockOurEncryption() throws GeneralSecurityException {
        Cipher cipher = factory.create(key(16));
        byte[] first = cipher.encrypt(new byte[] {1}, 0, 1, AAD);
        // Forge a packet carrying the nonce this cipher uses next, and feed it to the same thread.
        byte[] forged = new byte[40];
        System.arraycopy(first, 0, forged, 0, 12);
        forged[11]++;
        assertThrows(AEADBadTagException.class, () -> cipher.decrypt(forged, 0, forged.length, AAD));
        byte[] second = cipher.encrypt(new byte[] {2}, 0, 1, AAD);
        assertArrayEquals(Arrays.copyOf(forged, 12), Arrays.copyOf(second, 12), "the forged nonce was the next one");
        assertArrayEquals(new byte[] {2}, cipher.decrypt(second, 0, second.length, AAD));
    }

    @Test
    void concurrentEncryptionsNeverRepeatANonce() throws Exception {
        Cipher cipher = factory.create(key(32));
        Set<String> nonces = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        byte[] plain = {(byte) i};
                        byte[] sealed = cipher.encrypt(plain, 0, 1, AAD);
                        nonces.add(Arrays.toString(Arrays.copyOf(sealed, 12)));
                        assertArrayEquals(plain, cipher.decrypt(sealed, 0, sealed.length, AAD));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2_000, nonces.size());
        Set<String> another = new HashSet<>();
        Cipher second = factory.create(key(32));
        another.add(Arrays.toString(Arrays.copyOf(second.encrypt(new byte[0], 0, 0, AAD), 12)));
        assertTrue(!nonces.containsAll(another), "a new cipher starts elsewhere");
    }

    /** What the BouncyCastle implementation this cipher replaced wrote: nonce, ciphertext, tag. */
    private static byte[] bouncyCastleSeal(byte[] key, byte[] nonce, byte[] plain, byte[] aad) throws Exception {
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad == null ? new byte[0] : aad));
        byte[] out = new byte[12 + gcm.getOutputSize(plain.length)];
        System.arraycopy(nonce, 0, out, 0, 12);
        int n = gcm.processBytes(plain, 0, plain.length, out, 12);
        gcm.doFinal(out, 12 + n);
        return out;
    }

    @Test
    void sealsByteForByteAsBouncyCastleDid() throws Exception {
        for (int keySize : new int[] {16, 24, 32}) {
            byte[] key = key(keySize);
            Cipher cipher = factory.create(key);
            for (int size : new int[] {0, 1, 15, 16, 17, 100, 1_400, 65_536 + 3}) {
                byte[] plain = new byte[size];
                random.nextBytes(plain);
                for (byte[] aad : new byte[][] {AAD, null}) {
                    byte[] sealed = cipher.encrypt(plain, 0, plain.length, aad);
                    byte[] expected = bouncyCastleSeal(key, Arrays.copyOf(sealed, 12), plain, aad);
                    String what = "key " + keySize + ", " + size + " bytes, aad " + (aad != null);
                    assertArrayEquals(expected, sealed, what);
                    assertArrayEquals(plain, cipher.decrypt(expected, 0, expected.length, aad), what);
                }
            }
        }
    }

    @Test
    void opensTheGcmSpecificationTestCase() throws GeneralSecurityException {
        // McGrew and Viega, "The Galois/Counter Mode of Operation", test case 2: zero key, zero nonce,
        // 16 zero bytes of plaintext, no additional data.
        HexFormat hex = HexFormat.of();
        byte[] packet = hex.parseHex("000000000000000000000000"
                + "0388dace60b6a392f328c2b971b2fe78" + "ab6e47d42cec13bdf53a67b21257bddf");
        assertArrayEquals(new byte[16], factory.create(new byte[16]).decrypt(packet, 0, packet.length, null));
    }

    @Test
    void sealsAndOpensIntoCallerBuffersAsTheArrayMethodsDo() throws GeneralSecurityException {
        Cipher a = factory.create(key(32));
        byte[] plain = new byte[70_000];
        random.nextBytes(plain);
        byte[] out = new byte[5 + plain.length + 28 + 3];
        int sealed = a.encrypt(plain, 7, 65_000, AAD, out, 5);
        assertEquals(65_000 + 28, sealed);
        assertArrayEquals(Arrays.copyOfRange(plain, 7, 65_007), a.decrypt(out, 5, sealed, AAD),
                "what the buffer method sealed, the array method opens");
        byte[] arraySealed = a.encrypt(plain, 7, 65_000, AAD);
        byte[] opened = new byte[2 + 65_000];
        assertEquals(65_000, a.decrypt(arraySealed, 0, arraySealed.length, AAD, opened, 2));
        assertArrayEquals(Arrays.copyOfRange(plain, 7, 65_007), Arrays.copyOfRange(opened, 2, opened.length),
                "what the array method sealed, the buffer method opens");
        out[5 + 100] ^= 1;
        assertThrows(AEADBadTagException.class, () -> a.decrypt(out, 5, sealed, AAD, opened, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> a.encrypt(plain, 0, 100, AAD, new byte[127], 0),
                "a buffer one byte short of the sealed length is refused");
        assertThrows(IndexOutOfBoundsException.class,
                () -> a.decrypt(arraySealed, 0, arraySealed.length, AAD, new byte[64_999], 0));
    }
}
