package io.tamtam.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.msgpack.core.buffer.MessageBuffer;

/**
 * Property or constant names with their UTF-8 bytes, so that names are written without encoding them
 * and keys are matched against the input bytes without decoding them into Strings.
 */
final class NameTable {

    private static final int MAX_QUOTED = 64;

    private final String[] names;
    private final byte[][] utf8;

    /** @param names the names, in index order */
    NameTable(List<String> names) {
        this.names = names.toArray(new String[0]);
        this.utf8 = new byte[this.names.length][];
        for (int i = 0; i < this.names.length; i++) {
            utf8[i] = this.names[i].getBytes(StandardCharsets.UTF_8);
        }
    }

    /** @return how many names there are */
    int size() {
        return names.length;
    }

    /**
     * @param index a name's index
     * @return the name
     */
    String name(int index) {
        return names[index];
    }

    /**
     * @param index a name's index
     * @return its UTF-8 bytes; do not modify
     */
    byte[] utf8(int index) {
        return utf8[index];
    }

    /**
     * @param key  UTF-8 bytes read from the input
     * @param hint the index to try first (the encoder writes names in index order)
     * @return the index of the name equal to {@code key}, or -1
     */
    int find(MessageBuffer key, int hint) {
        if (hint >= 0 && hint < utf8.length && matches(key, utf8[hint])) {
            return hint;
        }
        for (int i = 0; i < utf8.length; i++) {
            if (i != hint && matches(key, utf8[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param key UTF-8 bytes read from the input
     * @return them as a String for an error message, shortened if long
     */
    static String quote(MessageBuffer key) {
        int n = Math.min(key.size(), MAX_QUOTED);
        byte[] bytes = new byte[n];
        key.getBytes(0, bytes, 0, n);
        return '"' + new String(bytes, StandardCharsets.UTF_8) + (n < key.size() ? "...\"" : "\"");
    }

    private static boolean matches(MessageBuffer key, byte[] name) {
        int n = name.length;
        if (key.size() != n) {
            return false;
        }
        if (key.hasArray()) {
            int from = key.arrayOffset();
            return Arrays.equals(key.array(), from, from + n, name, 0, n);
        }
        for (int i = 0; i < n; i++) {
            if (key.getByte(i) != name[i]) {
                return false;
            }
        }
        return true;
    }
}
