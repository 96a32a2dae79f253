package io.tamtam.benchmarks.jmh;

import io.tamtam.codec.AesGcmCipherFactory;
import io.tamtam.spi.Cipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Seal and open of one AES-GCM packet (12-byte nonce, ciphertext, 16-byte tag, 16 bytes of additional
 * data) with a 256-bit key: the codec's cipher on the JDK ({@code jdk}) against the same layout on
 * BouncyCastle's pure-Java AES ({@code bc}, what the codec used before), for 1 KB packets and 64 KiB
 * stream chunks. Throughput in operations per second; multiply by the size for bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CipherBenchmark {

    /** Plaintext bytes per operation. */
    @Param({"1024", "65536"})
    public int size;

    /**
     * Implementation: jdk (the codec's: one JDK cipher per thread and direction), jdk-per-call (a new JDK
     * cipher for every packet, the alternative to thread-locals) or bc (BouncyCastle's lightweight API).
     */
    @Param({"jdk", "jdk-per-call", "bc"})
    public String impl;

    private Cipher cipher;
    private byte[] plain;
    private byte[] sealed;
    private final byte[] aad = new byte[16];

    /** Makes the key, the input and one sealed packet. */
    @Setup
    public void setup() throws GeneralSecurityException {
        SplittableRandom random = new SplittableRandom(42);
        byte[] key = new byte[32];
        random.nextBytes(key);
        plain = new byte[size];
        random.nextBytes(plain);
        cipher = switch (impl) {
            case "jdk" -> new AesGcmCipherFactory().create(key);
            case "jdk-per-call" -> new JdkPerCallGcm(key);
            case "bc" -> new BouncyCastleGcm(key);
            default -> throw new IllegalArgumentException("impl is jdk, jdk-per-call or bc, not " + impl);
        };
        sealed = cipher.encrypt(plain, 0, plain.length, aad);
    }

    /** @return nonce, ciphertext and tag @throws GeneralSecurityException never on a good key */
    @Benchmark
    public byte[] seal() throws GeneralSecurityException {
        return cipher.encrypt(plain, 0, plain.length, aad);
    }

    /** @return the plaintext @throws GeneralSecurityException never: the packet is intact */
    @Benchmark
    public byte[] open() throws GeneralSecurityException {
        return cipher.decrypt(sealed, 0, sealed.length, aad);
    }

    /** The codec's packet layout with {@code Cipher.getInstance} on every call. */
    static final class JdkPerCallGcm implements Cipher {
        private final javax.crypto.spec.SecretKeySpec key;
        private long counter;

        JdkPerCallGcm(byte[] key) {
            this.key = new javax.crypto.spec.SecretKeySpec(key, "AES");
        }

        @Override
        public int overhead() {
            return 28;
        }

        @Override
        public byte[] encrypt(byte[] in, int offset, int length, byte[] aadBytes) throws GeneralSecurityException {
            byte[] out = new byte[28 + length];
            long c = ++counter;
            for (int i = 11; i >= 4; i--, c >>>= 8) {
                out[i] = (byte) c;
            }
            javax.crypto.Cipher gcm = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(javax.crypto.Cipher.ENCRYPT_MODE, key, new javax.crypto.spec.GCMParameterSpec(128, out, 0, 12));
            gcm.updateAAD(aadBytes);
            gcm.doFinal(in, offset, length, out, 12);
            return out;
        }

        @Override
        public byte[] decrypt(byte[] data, int offset, int length, byte[] aadBytes) throws GeneralSecurityException {
            javax.crypto.Cipher gcm = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(javax.crypto.Cipher.DECRYPT_MODE, key, new javax.crypto.spec.GCMParameterSpec(128, data, offset, 12));
            gcm.updateAAD(aadBytes);
            byte[] out = new byte[length - 28];
            gcm.doFinal(data, offset + 12, length - 12, out, 0);
            return out;
        }
    }

    /** The same packet layout on BouncyCastle's GCM with its pure-Java AES engine, one instance per direction. */
    static final class BouncyCastleGcm implements Cipher {
        private final KeyParameter key;
        private final GCMModeCipher encryptor = GCMBlockCipher.newInstance(AESEngine.newInstance());
        private final GCMModeCipher decryptor = GCMBlockCipher.newInstance(AESEngine.newInstance());
        private long counter;

        BouncyCastleGcm(byte[] key) {
            this.key = new KeyParameter(key);
        }

        @Override
        public int overhead() {
            return 28;
        }

        @Override
        public byte[] encrypt(byte[] in, int offset, int length, byte[] aadBytes) throws GeneralSecurityException {
            byte[] nonce = new byte[12];
            long c = ++counter;
            for (int i = 11; i >= 4; i--, c >>>= 8) {
                nonce[i] = (byte) c;
            }
            encryptor.init(true, new AEADParameters(key, 128, nonce, aadBytes));
            byte[] out = new byte[12 + encryptor.getOutputSize(length)];
            System.arraycopy(nonce, 0, out, 0, 12);
            try {
                int n = encryptor.processBytes(in, offset, length, out, 12);
                encryptor.doFinal(out, 12 + n);
            } catch (Exception e) {
                throw new GeneralSecurityException(e);
            }
            return out;
        }

        @Override
        public byte[] decrypt(byte[] data, int offset, int length, byte[] aadBytes) throws GeneralSecurityException {
            byte[] nonce = java.util.Arrays.copyOfRange(data, offset, offset + 12);
            decryptor.init(false, new AEADParameters(key, 128, nonce, aadBytes));
            byte[] out = new byte[length - 28];
            try {
                int n = decryptor.processBytes(data, offset + 12, length - 12, out, 0);
                decryptor.doFinal(out, n);
            } catch (Exception e) {
                throw new GeneralSecurityException(e);
            }
            return out;
        }
    }
}
