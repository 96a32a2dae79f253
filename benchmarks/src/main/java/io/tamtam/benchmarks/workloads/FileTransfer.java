package io.tamtam.benchmarks.workloads;

import io.tamtam.Cluster;
import io.tamtam.transfer.TransferConfig;
import io.tamtam.transfer.TransferOptions;
import io.tamtam.transfer.TransferResult;
import io.tamtam.transfer.TransferTarget;
import io.tamtam.transfer.TransferType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * W7: a file of {@code TRANSFER_MIB} MiB (256 by default; random bytes) from A to B as a transfer
 * ({@code cluster.transfers()}: parts acknowledged, written to a temporary file, fsync'd, SHA-256
 * verified, moved into place), beside a plain loopback socket that reads the same file and writes it
 * to a receiver that writes it to a file (no fsync, no checksum), in the same rounds: {@link #ROUNDS}
 * rounds after one warm-up, medians of the per-round MB/s and of the per-round ratios.
 */
final class FileTransfer {
    private static final int ROUNDS = 3;
    private static final TransferType TYPE = TransferType.of(204);

    private FileTransfer() {
    }

    static void run() throws IOException, TimeoutException, InterruptedException, ExecutionException {
        long size = Long.parseLong(System.getenv().getOrDefault("TRANSFER_MIB", "256")) << 20;
        Path dir = Files.createTempDirectory(Path.of("target"), "w6-");
        try {
            Path source = dir.resolve("source.bin");
            writeRandom(source, size);
            Path received = dir.resolve("received.bin");
            List<Cluster> nodes = Nodes.converged(2, b -> b.transfers(TransferConfig.defaults().withDirectory(dir.resolve("state"))));
            try {
                nodes.get(1).transfers().handle(TYPE, offer -> TransferTarget.file(received));
                List<Double> tt = new ArrayList<>();
                List<Double> raw = new ArrayList<>();
                List<Double> ratio = new ArrayList<>();
                for (int round = 0; round <= ROUNDS; round++) {
                    long t0 = System.nanoTime();
                    TransferResult r = nodes.get(0).transfers().send(nodes.get(1).localNode().id(), TYPE, source,
                            TransferOptions.defaults().withId(UUID.randomUUID().toString())).result().get(10, TimeUnit.MINUTES);
                    double transferMbps = size / 1e6 / ((System.nanoTime() - t0) / 1e9);
                    r.orThrow();
                    double rawMbps = size / 1e6 / (rawCopy(source, dir.resolve("raw.bin")) / 1e9);
                    Results.log("W7 round " + round + ": transfer " + (int) transferMbps + " MB/s, raw socket " + (int) rawMbps + " MB/s");
                    if (round > 0) {
                        tt.add(transferMbps);
                        raw.add(rawMbps);
                        ratio.add(transferMbps / rawMbps);
                    }
                }
                Map<String, Object> extra = Map.of("mib", size >> 20, "runs", ROUNDS, "warmups", 1,
                        "part_kib", TransferConfig.DEFAULT_PART_SIZE / 1024, "window", TransferConfig.DEFAULT_WINDOW);
                Results.emit("W7", 2, "transfer_mb_per_s", median(tt), extra);
                Results.emit("W7", 2, "raw_socket_file_mb_per_s", median(raw), extra);
                Results.emit("W7", 2, "transfer_vs_raw", median(ratio), extra);
            } finally {
                Nodes.closeAll(nodes);
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Collections.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static void writeRandom(Path f, long size) throws IOException {
        SplittableRandom r = new SplittableRandom(6);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (long done = 0; done < size; done += chunk.length) {
                r.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, size - done));
            }
        }
    }

    /** @return nanoseconds to copy the file through a loopback socket into {@code to} */
    private static long rawCopy(Path from, Path to) throws IOException, InterruptedException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread receiver = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = Files.newOutputStream(to)) {
                    in.transferTo(out);
                } catch (IOException e) {
                    Results.log("W7 raw receiver: " + e);
                }
            });
            long t0 = System.nanoTime();
            receiver.start();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 InputStream in = Files.newInputStream(from); OutputStream out = s.getOutputStream()) {
                byte[] buf = new byte[Workloads.CHUNK];
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
            }
            receiver.join();
            return System.nanoTime() - t0;
        }
    }
}
