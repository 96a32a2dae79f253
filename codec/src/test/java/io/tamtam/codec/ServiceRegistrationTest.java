package io.tamtam.codec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tamtam.spi.CipherFactory;
import io.tamtam.spi.Codec;
import io.tamtam.spi.Compressor;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ServiceRegistrationTest {

    @Test
    void serviceLoaderFindsAllThree() {
        assertTrue(ServiceLoader.load(Codec.class).stream()
                .anyMatch(p -> p.type() == MsgpackCodec.class && "msgpack".equals(p.get().name())));
        assertTrue(ServiceLoader.load(Compressor.class).stream()
                .anyMatch(p -> p.type() == SnappyCompressor.class && p.get().id() == 1));
        assertTrue(ServiceLoader.load(CipherFactory.class).stream()
                .anyMatch(p -> p.type() == AesGcmCipherFactory.class && "AES-GCM".equals(p.get().algorithm())));
    }
}
