package io.tamtam.internal.wire;

import io.tamtam.DropReason;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks PROTOCOL.md (the module's parent directory) against the codec: the message table of §6 lists
 * exactly the kinds the decoder knows, under the names and values of {@link WireFormat}; §2 reserves
 * exactly the flag bits the decoder refuses; §9 names every {@link DropReason}; §10 states the protocol
 * versions this node speaks.
 */
class ProtocolDocumentTest {

    private static String spec() throws IOException {
        Path p = Path.of("..", "PROTOCOL.md");
        if (!Files.exists(p)) {
            p = Path.of("PROTOCOL.md");
        }
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** @return the text of the section whose heading starts with {@code "## " + number + ". "} */
    private static String section(String spec, int number) {
        int start = spec.indexOf("\n## " + number + ". ");
        assertTrue(start >= 0, "PROTOCOL.md has no section " + number);
        int end = spec.indexOf("\n## ", start + 1);
        return spec.substring(start, end < 0 ? spec.length() : end);
    }

    /** @return whether the decoder knows the message type (an unknown one is refused before any field) */
    private static boolean decoderKnows(int type) {
        try {
            MessageCodec.read(type, new WireReader(new byte[0], 0, 0));
            return true;
        } catch (WireException e) {
            return !(e.reason() == DropReason.MALFORMED && e.getMessage().startsWith("unknown message type"));
        }
    }

    @Test
    void theMessageTableListsExactlyTheKindsTheDecoderKnows() throws Exception {
        TreeMap<Integer, String> table = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `0x([0-9A-Fa-f]{2})` \\| ([A-Z_]+) \\|").matcher(section(spec(), 6));
        while (m.find()) {
            table.put(Integer.parseInt(m.group(1), 16), m.group(2));
        }
        TreeSet<Integer> known = new TreeSet<>();
        known.add(WireFormat.COMPOUND);
        for (int t = 1; t < 256; t++) {
            if (decoderKnows(t)) {
                known.add(t);
            }
        }
        assertEquals(known, table.keySet(), "kinds in the §6 table and kinds the decoder reads");
        for (var e : table.entrySet()) {
            Field f = WireFormat.class.getField(e.getValue());
            assertEquals(e.getKey(), f.getInt(null), "WireFormat." + e.getValue());
        }
    }

    @Test
    void theFlagsTableReservesExactlyTheBitsTheDecoderRefuses() throws Exception {
        String s2 = section(spec(), 2);
        int reserved = ~WireFormat.KNOWN_FLAGS & 0xFF;
        assertTrue(s2.contains(String.format("| `0x%02X` | — | reserved", reserved)), "§2 reserves 0x" + Integer.toHexString(reserved));
        for (Field f : WireFormat.class.getFields()) {
            if (f.getName().startsWith("FLAG_") && Modifier.isStatic(f.getModifiers())) {
                String row = String.format("| `0x%02X` | %s |", f.getInt(null), f.getName().substring(5));
                assertTrue(s2.contains(row), "§2 has no row " + row);
            }
        }
    }

    @Test
    void theDropTableNamesEveryDropReason() throws Exception {
        String s9 = section(spec(), 9);
        for (DropReason r : DropReason.values()) {
            assertTrue(s9.contains(r.name()), "§9 does not name " + r);
        }
    }

    @Test
    void theVersionSectionStatesTheVersionsThisNodeSpeaks() throws Exception {
        String s10 = section(spec(), 10);
        assertTrue(s10.contains("This node announces " + WireFormat.PROTOCOL_VERSION + "\n")
                || s10.contains("This node announces " + WireFormat.PROTOCOL_VERSION + " "), "§10 announced version");
        assertTrue(s10.contains("= `[" + WireFormat.PROTOCOL_VERSION_MIN + ", " + WireFormat.PROTOCOL_VERSION + "]`"),
                "§10 version range");
        assertTrue(s10.contains("reads exactly version " + WireFormat.VERSION + " "), "§10 wire version");
    }
}
