package io.tamtam.internal.sync;

import io.tamtam.ClusterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The snapshot file: round trip, bounds, hostile content, no temporary file left behind. */
class SnapshotFileTest {

    @TempDir
    Path dir;

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void membersWrittenAreReadBackInOrderWithIpv6AndNothingElseIsLeftInTheDirectory() throws Exception {
        Path file = dir.resolve("members");
        SnapshotFile s = new SnapshotFile(file);
        assertEquals(List.of(), s.read(), "no file yet");
        List<SnapshotFile.Entry> entries = List.of(new SnapshotFile.Entry(at("127.0.0.2", 7946), "alive"),
                new SnapshotFile.Entry(at("::1", 7947), "dead"), new SnapshotFile.Entry(at("10.1.2.3", 1), "removed"));
        s.write(entries);
        assertEquals(List.of(at("127.0.0.2", 7946), at("::1", 7947), at("10.1.2.3", 1)), new SnapshotFile(file).read());
        s.write(List.of(entries.get(1)));
        assertEquals(List.of(at("::1", 7947)), new SnapshotFile(file).read());
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList(), "the temporary file was moved, not left behind");
        }
    }

    @Test
    void atMostTheBoundIsWrittenOrRead() throws Exception {
        Path file = dir.resolve("members");
        List<SnapshotFile.Entry> many = new ArrayList<>();
        for (int i = 0; i < ClusterConfig.MAX_SNAPSHOT_MEMBERS + 100; i++) {
            many.add(new SnapshotFile.Entry(at("10.0." + (i >> 8) + "." + (i & 0xFF), 7000), "alive"));
        }
        new SnapshotFile(file).write(many);
        assertEquals(ClusterConfig.MAX_SNAPSHOT_MEMBERS, new SnapshotFile(file).read().size());

        StringBuilder hostile = new StringBuilder();
        for (int i = 0; i < ClusterConfig.MAX_SNAPSHOT_MEMBERS + 100; i++) {
            hostile.append("10.9.").append(i >> 8).append('.').append(i & 0xFF).append(" 1 alive\n");
        }
        Files.writeString(file, hostile);
        assertEquals(ClusterConfig.MAX_SNAPSHOT_MEMBERS, new SnapshotFile(file).read().size());

        Files.write(file, new byte[SnapshotFile.MAX_BYTES * 3]);
        assertEquals(List.of(), new SnapshotFile(file).read(), "a file of zeros holds no member");
    }

    @Test
    void linesThatDoNotParseAreSkippedAndNamesAreNeverLookedUp() throws Exception {
        Path file = dir.resolve("members");
        Files.writeString(file, String.join("\n", "# tamtam snapshot 1", "example.com 7946 alive", "127.0.0.1 0 alive",
                "127.0.0.1 65536 alive", "127.0.0.1 x alive", "127.0.0.1", "", "127.0.0.1 7946 alive", "127.0.0.1 7946 dead"));
        List<InetSocketAddress> read = new SnapshotFile(file).read();
        assertEquals(List.of(at("127.0.0.1", 7946)), read);
        assertTrue(!read.get(0).isUnresolved());
    }
}
