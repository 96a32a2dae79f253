package io.tamtam.internal.wire;

import io.tamtam.DropReason;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * One test vector of {@code src/test/resources/vectors}, in the format PROTOCOL.md describes: hex byte
 * pairs separated by any whitespace, {@code #} starts a comment that runs to the end of the line, and a
 * line {@code @drop REASON} marks a negative vector with the {@link DropReason} its decoding must give.
 *
 * @param name  the file name without {@code .hex}
 * @param bytes the packet
 * @param drop  the expected drop reason, or null for a valid packet
 */
record HexVector(String name, byte[] bytes, DropReason drop) {

    /** @return the directory holding the vectors */
    static Path directory() {
        URL url = HexVector.class.getResource("/vectors");
        if (url == null) {
            throw new IllegalStateException("test resource directory /vectors is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the names of every vector file, sorted */
    static List<String> names() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".hex"))
                    .map(n -> n.substring(0, n.length() - 4))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name the file name without {@code .hex}
     * @return the parsed vector
     */
    static HexVector load(String name) {
        try {
            return parse(name, Files.readString(directory().resolve(name + ".hex"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name a name for messages
     * @param text the file's text
     * @return the parsed vector
     */
    static HexVector parse(String name, String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DropReason drop = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("@")) {
                String[] parts = line.split("\\s+");
                if (parts.length != 2 || !parts[0].equals("@drop") || drop != null) {
                    throw new IllegalArgumentException(name + ":" + (i + 1) + ": expected one '@drop REASON' line");
                }
                drop = DropReason.valueOf(parts[1]);
                continue;
            }
            for (String token : line.split("\\s+")) {
                if (token.length() % 2 != 0) {
                    throw new IllegalArgumentException(name + ":" + (i + 1) + ": odd number of hex digits in '" + token + "'");
                }
                for (int j = 0; j < token.length(); j += 2) {
                    out.write(Integer.parseInt(token.substring(j, j + 2).toLowerCase(Locale.ROOT), 16));
                }
            }
        }
        return new HexVector(name, out.toByteArray(), drop);
    }

    /**
     * @param b bytes
     * @return them in lower-case hex, a space between bytes
     */
    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 3);
        for (int i = 0; i < b.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(Character.forDigit((b[i] >> 4) & 0xF, 16)).append(Character.forDigit(b[i] & 0xF, 16));
        }
        return sb.toString();
    }
}
