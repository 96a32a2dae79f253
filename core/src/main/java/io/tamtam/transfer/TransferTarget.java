package io.tamtam.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a {@link TransferHandler} wants a transfer to go: a file, a sink, or nowhere (refused). The parts
 * are always written to a temporary file in {@link TransferConfig#directory()} first; once complete and
 * verified, the file is moved into place atomically, or the sink reads it.
 */
public final class TransferTarget {
    /** Reads the verified content. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Runs on the callback executor once the whole was verified; the content is deleted after.
         *
         * @param content the verified content
         * @throws IOException fails the transfer with its message
         */
        void accept(InputStream content) throws IOException;
    }

    private final Path file;
    private final Sink sink;
    private final String refusal;

    private TransferTarget(Path file, Sink sink, String refusal) {
        this.file = file;
        this.sink = sink;
        this.refusal = refusal;
    }

    /**
     * @param destination where the verified file is moved (replacing what is there)
     * @return the target
     */
    public static TransferTarget file(Path destination) {
        return new TransferTarget(Objects.requireNonNull(destination, "destination"), null, null);
    }

    /**
     * @param sink reads the verified content
     * @return the target
     */
    public static TransferTarget sink(Sink sink) {
        return new TransferTarget(null, Objects.requireNonNull(sink, "sink"), null);
    }

    /**
     * @param reason told to the sender
     * @return a refusal
     */
    public static TransferTarget refuse(String reason) {
        return new TransferTarget(null, null, Objects.requireNonNull(reason, "reason"));
    }

    /** @return the destination file, or null */
    public Path destination() {
        return file;
    }

    /** @return the sink, or null */
    public Sink sink() {
        return sink;
    }

    /** @return why refused, or null when accepted */
    public String refusal() {
        return refusal;
    }
}
