package io.tamtam.internal.sync;

import io.tamtam.ClusterConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The snapshot file of known members: a text file, one member a line ({@code host port state}, the host
 * an IP literal), after a {@code # tamtam snapshot 1} line. Written to a temporary file in the same
 * directory and moved over the old one, so a crash leaves either the old or the new file, never half of
 * one. At most {@link ClusterConfig#MAX_SNAPSHOT_MEMBERS} members are written or read, and at most
 * {@link #MAX_BYTES} bytes read; lines that do not parse are skipped.
 */
public final class SnapshotFile {
    /** First line of the file. */
    static final String HEADER = "# tamtam snapshot 1";
    /** Most bytes read from a snapshot file: 1 MiB (4096 lines of at most 80 bytes fit 4 times over). */
    public static final int MAX_BYTES = 1 << 20;

    private final Path path;
    private String lastWritten;

    /** @param path the file */
    public SnapshotFile(Path path) {
        this.path = path;
    }

    /** One member as the file records it. */
    public record Entry(InetSocketAddress address, String state) {
    }

    /**
     * @return the members the file lists, in its order, without duplicates; empty when there is no file
     * @throws IOException when the file exists but cannot be read
     */
    public List<InetSocketAddress> read() throws IOException {
        byte[] data;
        try (InputStream in = Files.newInputStream(path)) {
            data = in.readNBytes(MAX_BYTES);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            if (out.size() == ClusterConfig.MAX_SNAPSHOT_MEMBERS) {
                break;
            }
            InetSocketAddress a = parse(line);
            if (a != null) {
                out.add(a);
            }
        }
        return List.copyOf(out);
    }

    private static InetSocketAddress parse(String line) {
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        String[] f = line.split(" ");
        if (f.length < 2 || !isIpLiteral(f[0])) {
            return null;
        }
        try {
            int port = Integer.parseInt(f[1]);
            if (port < 1 || port > 65535) {
                return null;
            }
            // An IP literal: no name lookup happens.
            return new InetSocketAddress(InetAddress.getByName(f[0]), port);
        } catch (NumberFormatException | IOException e) {
            return null;
        }
    }

    private static boolean isIpLiteral(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == '.' || c == ':' || Character.digit(c, 16) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Replaces the file with these members (the first {@link ClusterConfig#MAX_SNAPSHOT_MEMBERS}), unless
     * it already holds exactly them.
     *
     * @param entries the members, most useful first
     * @throws IOException when the file cannot be written; the old one is then left as it was
     */
    public synchronized void write(List<Entry> entries) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        int n = 0;
        for (Entry e : entries) {
            if (n++ == ClusterConfig.MAX_SNAPSHOT_MEMBERS) {
                break;
            }
            sb.append(e.address().getAddress().getHostAddress()).append(' ').append(e.address().getPort())
                    .append(' ').append(e.state()).append('\n');
        }
        String text = sb.toString();
        if (text.equals(lastWritten)) {
            return;
        }
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        lastWritten = text;
    }
}
