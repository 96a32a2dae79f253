package io.tamtam.internal.transfer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A receiver's transfer directory: per transfer {@code <wire id>.part} (the content, written at each
 * part's offset) and {@code <wire id>.state} (a header, then one byte per part: 1 once the part is
 * written), and {@code completed/<wire id>} for each completed transfer, the last
 * {@link #MAX_COMPLETED} kept.
 */
final class TransferStore {
    /** State file header: magic(4) version(4) type(4) size(8) partSize(4). */
    static final int HEADER = 24;
    private static final int MAGIC = 0x54545846;
    private static final int VERSION = 1;
    /** Completed transfer ids remembered. */
    static final int MAX_COMPLETED = 10_000;

    private final Path dir;
    private final Path completedDir;
    private int completedSincePrune;

    TransferStore(Path dir) {
        this.dir = dir;
        this.completedDir = dir.resolve("completed");
    }

    private void ensureDirs() throws IOException {
        Files.createDirectories(completedDir);
    }

    Path dataFile(UUID id) {
        return dir.resolve(id + ".part");
    }

    private Path stateFile(UUID id) {
        return dir.resolve(id + ".state");
    }

    /** @return whether this transfer completed here before */
    boolean isCompleted(UUID id) {
        return Files.exists(completedDir.resolve(id.toString()));
    }

    synchronized void completed(UUID id) {
        try {
            ensureDirs();
            Files.write(completedDir.resolve(id.toString()), new byte[0]);
            if (++completedSincePrune >= 100) {
                completedSincePrune = 0;
                prune();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void prune() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(completedDir)) {
            s.forEach(all::add);
        }
        if (all.size() <= MAX_COMPLETED) {
            return;
        }
        all.sort(Comparator.comparingLong(p -> p.toFile().lastModified()));
        for (int i = 0; i < all.size() - MAX_COMPLETED; i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    /**
     * @return the parts held by an earlier attempt of this transfer with the same shape, or null when
     *         there is none (a state of another shape is deleted)
     */
    BitSet load(UUID id, int type, long size, int partSize, int parts) throws IOException {
        Path sf = stateFile(id);
        if (!Files.exists(sf) || !Files.exists(dataFile(id))) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(sf, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            while (h.hasRemaining() && ch.read(h) >= 0) {
                // fill the header
            }
            h.flip();
            if (h.remaining() == HEADER && h.getInt() == MAGIC && h.getInt() == VERSION && h.getInt() == type
                    && h.getLong() == size && h.getInt() == partSize && ch.size() == HEADER + (long) parts) {
                BitSet held = new BitSet(parts);
                ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                long pos = HEADER;
                int i = 0;
                while (i < parts) {
                    b.clear();
                    int n = ch.read(b, pos);
                    if (n <= 0) {
                        break;
                    }
                    pos += n;
                    b.flip();
                    while (b.hasRemaining()) {
                        if (b.get() == 1) {
                            held.set(i);
                        }
                        i++;
                    }
                }
                return held;
            }
        }
        delete(id);
        return null;
    }

    FileChannel openData(UUID id) throws IOException {
        ensureDirs();
        return FileChannel.open(dataFile(id), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Opens the state file, writing it afresh from {@code held} (the header and a byte per part). */
    FileChannel openState(UUID id, int type, long size, int partSize, int parts, BitSet held) throws IOException {
        ensureDirs();
        FileChannel ch = FileChannel.open(stateFile(id), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            ByteBuffer h = ByteBuffer.allocate(HEADER).putInt(MAGIC).putInt(VERSION).putInt(type).putLong(size).putInt(partSize);
            h.flip();
            long pos = 0;
            while (h.hasRemaining()) {
                pos += ch.write(h, pos);
            }
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            int i = 0;
            while (i < parts) {
                b.clear();
                while (b.hasRemaining() && i < parts) {
                    b.put((byte) (held.get(i++) ? 1 : 0));
                }
                b.flip();
                while (b.hasRemaining()) {
                    pos += ch.write(b, pos);
                }
            }
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** Deletes a transfer's partial content and state. */
    void delete(UUID id) {
        try {
            Files.deleteIfExists(dataFile(id));
            Files.deleteIfExists(stateFile(id));
        } catch (IOException ignored) {
            // left behind; the next attempt of that id overwrites it
        }
    }

    /** @return bytes usable in the directory's file system, or Long.MAX_VALUE when unknown */
    long usableSpace() {
        try {
            ensureDirs();
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
