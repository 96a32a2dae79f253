package io.tamtam.internal.wire;

import java.lang.ref.WeakReference;

/**
 * Large decoded payload arrays kept for the next payload of the same length, JVM-wide. A message handler
 * whose payload class is {@link java.nio.ByteBuffer} gets a view of the decoded array valid during its
 * call; once it returns, that array comes back here, so that consecutive large messages of one size are
 * decoded into memory already in use instead of a new array each (an array of megabytes is a humongous
 * allocation that the JVM zeroes and, on a fresh heap, backs with pages touched for the first time).
 *
 * <p>Bounded: only arrays of at least {@link #MIN_BYTES} are kept, at most {@link #MAX_BYTES} in all;
 * an array given back is kept only when this class lent it out and it has not come back since (an array
 * a caller owns, or one given back twice, is ignored), and makes room by dropping arrays kept earlier. An array is reused only for a payload of exactly
 * its length, which overwrites every byte of it. Thread-safe.
 */
public final class PayloadArrays {
    /** Payloads shorter than this are allocated as before: 1 MiB. */
    public static final int MIN_BYTES = 1 << 20;
    /** Most bytes of arrays kept: 32 MiB. */
    public static final long MAX_BYTES = 32L << 20;
    /** How many lent arrays are remembered (the oldest is forgotten first, and then not taken back). */
    private static final int LENT = 16;

    private static final byte[][] KEPT = new byte[(int) (MAX_BYTES / MIN_BYTES)][];
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final WeakReference<byte[]>[] LENT_OUT = new WeakReference[LENT];
    private static long keptBytes;
    private static int nextLent;

    private PayloadArrays() {
    }

    /**
     * @param n a payload length
     * @return an array of exactly {@code n} bytes, kept from an earlier payload when one is, else new; its
     *         content is undefined and the caller overwrites all of it
     */
    public static byte[] take(int n) {
        if (n < MIN_BYTES) {
            return new byte[n];
        }
        byte[] a = null;
        synchronized (PayloadArrays.class) {
            for (int i = 0; i < KEPT.length && a == null; i++) {
                if (KEPT[i] != null && KEPT[i].length == n) {
                    a = KEPT[i];
                    KEPT[i] = null;
                    keptBytes -= n;
                }
            }
        }
        if (a == null) {
            a = new byte[n];
        }
        synchronized (PayloadArrays.class) {
            LENT_OUT[nextLent] = new WeakReference<>(a);
            nextLent = (nextLent + 1) % LENT;
        }
        return a;
    }

    /**
     * Takes back an array from {@link #take} that nothing references any more.
     *
     * @param a the array
     * @return whether it is kept for a later payload
     */
    public static synchronized boolean giveBack(byte[] a) {
        if (a.length < MIN_BYTES || !forgetLent(a)) {
            return false;
        }
        if (a.length > MAX_BYTES) {
            return false;
        }
        // Arrays kept earlier make room for this one, the most recently used size.
        for (int i = 0; i < KEPT.length && keptBytes + a.length > MAX_BYTES; i++) {
            if (KEPT[i] != null) {
                keptBytes -= KEPT[i].length;
                KEPT[i] = null;
            }
        }
        int free = 0;
        while (KEPT[free] != null) {
            free++;
        }
        KEPT[free] = a;
        keptBytes += a.length;
        return true;
    }

    /**
     * Forgets an array from {@link #take} that its receiver keeps (a handler of {@code byte[]} payloads
     * owns its array), so that it is never taken back.
     *
     * @param a the array
     */
    public static void disown(byte[] a) {
        if (a.length >= MIN_BYTES) {
            synchronized (PayloadArrays.class) {
                forgetLent(a);
            }
        }
    }

    /** @return bytes of arrays kept now */
    public static synchronized long keptBytes() {
        return keptBytes;
    }

    private static boolean forgetLent(byte[] a) {
        for (int i = 0; i < LENT; i++) {
            WeakReference<byte[]> r = LENT_OUT[i];
            if (r != null && r.get() == a) {
                LENT_OUT[i] = null;
                return true;
            }
        }
        return false;
    }
}
