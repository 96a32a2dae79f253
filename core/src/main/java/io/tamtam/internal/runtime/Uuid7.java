package io.tamtam.internal.runtime;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.random.RandomGenerator;

/** Generates RFC 9562 version 7 UUIDs: 48 bits of Unix milliseconds, then random bits. */
public final class Uuid7 {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Uuid7() {
    }

    /** @return a new UUIDv7 from the wall clock and a secure random source */
    public static UUID next() {
        return of(System.currentTimeMillis(), RANDOM);
    }

    /**
     * @param unixMillis the timestamp
     * @param random     the random bits' source
     * @return a UUIDv7
     */
    public static UUID of(long unixMillis, RandomGenerator random) {
        long msb = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
