package io.tamtam.internal;

import io.tamtam.ClusterConfig;
import io.tamtam.spi.Cipher;
import io.tamtam.spi.CipherFactory;
import io.tamtam.spi.Codec;
import io.tamtam.spi.Compressor;
import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.Transports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Resolves the pluggable parts of a node: what the configuration sets, else what
 * {@link ServiceLoader} finds. A configuration that cannot work fails here, before anything starts.
 *
 * @param codec      payload codec, or null (String and byte[] only)
 * @param compressor compressor, or null
 * @param ciphers    one per key; empty for plaintext
 * @param cipherFactory made the ciphers; null for plaintext
 * @param datagrams  datagram transport factory
 * @param streams    stream transport factory
 */
record Plugins(Codec codec, Compressor compressor, List<Cipher> ciphers, CipherFactory cipherFactory,
               DatagramTransport.Factory datagrams, StreamTransport.Factory streams) {

    static Plugins resolve(ClusterConfig config) {
        Codec codec = config.codec() != null ? config.codec()
                : ServiceLoader.load(Codec.class).stream().map(ServiceLoader.Provider::get)
                .max(Comparator.comparingInt(Codec::priority)).orElse(null);
        Compressor compressor = config.compressor() != null ? config.compressor()
                : ServiceLoader.load(Compressor.class).findFirst().orElse(null);
        List<Cipher> ciphers = new ArrayList<>();
        List<byte[]> keys = config.encryptionKeys();
        CipherFactory factory = null;
        if (!keys.isEmpty()) {
            factory = config.cipherFactory() != null ? config.cipherFactory()
                    : ServiceLoader.load(CipherFactory.class).findFirst().orElse(null);
            if (factory == null) {
                throw new IllegalStateException("encryption keys are set but no cipher is available: add "
                        + "io.tamtam:tamtam-codec to the class path or set ClusterConfig.Builder.cipherFactory(...); "
                        + "TamTam does not fall back to plaintext");
            }
            for (byte[] k : keys) {
                ciphers.add(factory.create(k));
            }
        }
        DatagramTransport.Factory datagrams = config.datagramTransport() != null ? config.datagramTransport()
                : Transports.defaultDatagramFactory();
        StreamTransport.Factory streams = config.streamTransport() != null ? config.streamTransport()
                : Transports.defaultStreamFactory();
        return new Plugins(codec, compressor, ciphers, factory, datagrams, streams);
    }
}
