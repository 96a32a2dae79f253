package io.tamtam.testkit.transfer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The done-when test of transfers: 1 GiB ({@code -Dtamtam.transfer.mib} to change it) between two node
 * processes with {@code -Xmx128m} each; the receiver is killed (SIGKILL) once mid-way and restarted with
 * the same node id, address and directory; the sender's transfer completes, the file is identical and
 * the bytes the restarted receiver already held are reported as resumed.
 */
class TransferProcessTest {
    static final long SIZE = Long.getLong("tamtam.transfer.mib", 1024) << 20;

    final List<Proc> procs = new ArrayList<>();
    final Path work = Path.of("target", "transfer-process-" + UUID.randomUUID());

    /** A node process and the lines it printed. */
    record Proc(Process process, List<String> lines) {
        boolean printed(String prefix) {
            return lines.stream().anyMatch(l -> l.startsWith(prefix));
        }

        String line(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Proc p : procs) {
            p.process().destroyForcibly();
        }
        for (Proc p : procs) {
            try {
                p.process().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (Files.exists(work)) {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    Proc start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), TransferNodeMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        Proc proc = new Proc(p, lines);
        procs.add(proc);
        return proc;
    }

    @Test
    void oneGibSurvivesAKilledAndRestartedReceiver() throws Exception {
        Files.createDirectories(work);
        Path source = work.resolve("source.bin");
        TransferTest.writeRandom(source, SIZE, 42);
        Path dest = work.resolve("received.bin");
        String receiverId = UUID.randomUUID().toString();
        Path rdir = work.resolve("receiver-state");

        Proc receiver = start("receive", receiverId, "0", rdir.toString(), dest.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.printed("READY"));
        String port = receiver.line("READY").split(" ")[1];
        Proc sender = start("send", port, receiverId, work.resolve("sender-state").toString(), source.toString(), "gib");

        // kill the receiver once a third is on its disk
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(20)).until(() -> partBytes(rdir) > SIZE / 3);
        receiver.process().destroyForcibly().waitFor();
        long heldAtKill = partBytes(rdir);

        Proc restarted = start("receive", receiverId, port, rdir.toString(), dest.toString());
        await().atMost(Duration.ofSeconds(300)).until(() -> sender.printed("RESULT"));
        String[] result = sender.line("RESULT").split(" ", 5);
        assertEquals("COMPLETED", result[1], sender.line("RESULT"));
        long resumed = Long.parseLong(result[2]);
        System.out.println("transfer of " + (SIZE >> 20) + " MiB, receiver killed with " + (heldAtKill >> 20)
                + " MiB of its file written, restarted: completed in " + result[3] + " ms, " + (resumed >> 20)
                + " MiB resumed (not sent again)");
        assertTrue(resumed > 0 && resumed < SIZE, "resumed " + resumed);
        await().atMost(Duration.ofSeconds(60)).until(() -> restarted.printed("ENDED"));
        assertTrue(restarted.line("ENDED").startsWith("ENDED COMPLETED"), restarted.line("ENDED"));
        assertEquals(SIZE, Files.size(dest));
        assertArrayEquals(TransferTest.sha(source), TransferTest.sha(dest));
    }

    /** Bytes of the receiver's temporary file (sparse: parts are written at their offsets, so this is an upper bound). */
    static long partBytes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            long total = 0;
            for (Path p : s.filter(f -> f.toString().endsWith(".part")).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }
}
