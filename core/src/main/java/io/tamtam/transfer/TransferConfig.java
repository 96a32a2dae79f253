package io.tamtam.transfer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a node sends and receives transfers ({@link io.tamtam.ClusterConfig.Builder#transfers}).
 *
 * @param directory          where received parts and resume state are kept (temporary files, a state
 *                           file per transfer, and the ids of completed transfers); the default is
 *                           {@code tamtam-transfers} under {@code java.io.tmpdir}
 * @param partSize           bytes per part: 4 KiB to 8 MiB; {@link #DEFAULT_PART_SIZE}
 * @param window             parts sent and not yet acknowledged, per transfer: 1 to 1024;
 *                           {@link #DEFAULT_WINDOW}. Memory per transfer is about {@code 2 × window × partSize}
 *                           on the sender and {@code window × partSize} on the receiver
 * @param partTimeout        a part not acknowledged for this long is sent again
 * @param unreachableTimeout how long a sender waits for a destination that is not a live member (DEAD,
 *                           restarting), or a live one that says nothing about the transfer, before the
 *                           transfer fails, resumable by sending it again
 * @param idleTimeout        a receiver drops an accepted transfer that got nothing for this long (failed,
 *                           its partial content kept or deleted by {@code keepPartial})
 * @param keepPartial        whether a failed incoming transfer's partial content and state stay on disk
 *                           for a later resume (a cancelled one is always deleted)
 * @param maxTransfers       transfers open at once per direction: 1 to 4096; more are refused
 */
public record TransferConfig(Path directory, int partSize, int window, Duration partTimeout,
                             Duration unreachableTimeout, Duration idleTimeout, boolean keepPartial, int maxTransfers) {
    /** 256 KiB. */
    public static final int DEFAULT_PART_SIZE = 256 * 1024;
    /** 16 parts (4 MiB with the default part size). */
    public static final int DEFAULT_WINDOW = 16;

    /** Checks the ranges. */
    public TransferConfig {
        Objects.requireNonNull(directory, "directory");
        range("partSize", partSize, 4096, 8 << 20);
        range("window", window, 1, 1024);
        range("maxTransfers", maxTransfers, 1, 4096);
        positive("partTimeout", partTimeout);
        positive("unreachableTimeout", unreachableTimeout);
        positive("idleTimeout", idleTimeout);
    }

    private static void range(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("TransferConfig." + name + " is " + v + "; it must be " + min + ".." + max);
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("TransferConfig." + name + " must be a positive duration");
        }
    }

    /**
     * @return {@code java.io.tmpdir}/tamtam-transfers, 256 KiB parts, a window of 16, parts resent after
     *         10 s, 60 s for an unreachable destination, 5 min idle, partial content kept, 64 transfers
     */
    public static TransferConfig defaults() {
        return new TransferConfig(Path.of(System.getProperty("java.io.tmpdir"), "tamtam-transfers"), DEFAULT_PART_SIZE,
                DEFAULT_WINDOW, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(5), true, 64);
    }

    /** @param v the directory @return a copy with it */
    public TransferConfig withDirectory(Path v) {
        return new TransferConfig(v, partSize, window, partTimeout, unreachableTimeout, idleTimeout, keepPartial, maxTransfers);
    }

    /** @param v the part size @return a copy with it */
    public TransferConfig withPartSize(int v) {
        return new TransferConfig(directory, v, window, partTimeout, unreachableTimeout, idleTimeout, keepPartial, maxTransfers);
    }

    /** @param v the window @return a copy with it */
    public TransferConfig withWindow(int v) {
        return new TransferConfig(directory, partSize, v, partTimeout, unreachableTimeout, idleTimeout, keepPartial, maxTransfers);
    }

    /** @param v the part timeout @return a copy with it */
    public TransferConfig withPartTimeout(Duration v) {
        return new TransferConfig(directory, partSize, window, v, unreachableTimeout, idleTimeout, keepPartial, maxTransfers);
    }

    /** @param v the unreachable timeout @return a copy with it */
    public TransferConfig withUnreachableTimeout(Duration v) {
        return new TransferConfig(directory, partSize, window, partTimeout, v, idleTimeout, keepPartial, maxTransfers);
    }

    /** @param v the idle timeout @return a copy with it */
    public TransferConfig withIdleTimeout(Duration v) {
        return new TransferConfig(directory, partSize, window, partTimeout, unreachableTimeout, v, keepPartial, maxTransfers);
    }

    /** @param v whether to keep partial content of failed transfers @return a copy with it */
    public TransferConfig withKeepPartial(boolean v) {
        return new TransferConfig(directory, partSize, window, partTimeout, unreachableTimeout, idleTimeout, v, maxTransfers);
    }

    /** @param v transfers per direction @return a copy with it */
    public TransferConfig withMaxTransfers(int v) {
        return new TransferConfig(directory, partSize, window, partTimeout, unreachableTimeout, idleTimeout, keepPartial, v);
    }
}
