package io.tamtam.examples;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Node;
import io.tamtam.Subscription;
import io.tamtam.transfer.TransferConfig;
import io.tamtam.transfer.TransferHandler;
import io.tamtam.transfer.TransferOffer;
import io.tamtam.transfer.TransferOptions;
import io.tamtam.transfer.TransferResult;
import io.tamtam.transfer.TransferTarget;
import io.tamtam.transfer.TransferType;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies a file from one node to another as a resumable transfer ({@code cluster.transfers()}). The
 * serving node announces itself with the metadata entry {@code role=fileserver} and keeps its node id in
 * {@code DIR/.tamtam-node-id} and its transfer state in {@code DIR/.tamtam-transfers}, so that a server
 * killed mid-way and started again with the same port and directory resumes the transfer: the sender
 * waits for it (up to 2 minutes) and sends only the parts it lacks. The transfer id is derived from the
 * file's name, size and modification time, so sending the same file again after the sender was
 * stopped resumes too, and sending a file already copied is a no-op.
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=FileCopy -Dexec.args="serve --port 7010 --dir /tmp/received"
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=FileCopy -Dexec.args="send --join 127.0.0.1:7010 --file big.iso"
 * </pre>
 *
 * <p>Both take {@code --bind ADDRESS} (default 127.0.0.1) to copy across hosts.
 */
public final class FileCopy {

    /** The transfer type of file copies. */
    public static final TransferType FILES = TransferType.of(1003);

    /** The metadata entry by which senders find the serving node. */
    public static final String ROLE = "role";

    /** The {@link #ROLE} value of the serving node. */
    public static final String FILESERVER = "fileserver";

    private FileCopy() {
    }

    /**
     * What a send achieved.
     *
     * @param bytes        the file's size
     * @param resumedBytes bytes the server already held (from an interrupted copy) and were not sent again
     * @param verified     whether the server verified the whole file's SHA-256 and moved it into place
     * @param elapsed      how long the transfer took
     * @param reason       why it did not complete, empty when it did
     */
    public record Result(long bytes, long resumedBytes, boolean verified, Duration elapsed, String reason) {
    }

    /** A serving node; closing it leaves the cluster and closes the node. */
    public static final class Server implements AutoCloseable {
        private final Cluster cluster;

        private Server(Cluster cluster) {
            this.cluster = cluster;
        }

        /** @return the address senders join */
        public InetSocketAddress address() {
            return cluster.localNode().address();
        }

        /** Leaves the cluster gracefully and closes the node. */
        @Override
        public void close() {
            cluster.leave(Duration.ofSeconds(2)).join();
            cluster.close();
        }
    }

    /**
     * Entry point.
     *
     * @param args {@code serve --port P --dir DIR} or {@code send --join host:port --file F}, see the
     *             class documentation
     * @throws Exception when the node cannot start, the join fails or the copy fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("serve") || args[0].equals("send"))) {
            System.out.println("usage: FileCopy serve --port P --dir DIR [--bind ADDRESS]");
            System.out.println("       FileCopy send --join host:port --file F [--bind ADDRESS]");
            return;
        }
        Args options = Args.parse(args, 1);
        String bind = options.optional("bind", "127.0.0.1");
        if (args[0].equals("serve")) {
            Server server = serve(new InetSocketAddress(bind, Integer.parseInt(options.required("port"))),
                    Path.of(options.required("dir")), System.out);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "file-server-shutdown"));
            System.out.println("serving on " + Args.format(server.address()) + "; Ctrl-C to stop");
            stopped.await();
        } else {
            Result result = send(new InetSocketAddress(bind, 0), Args.address(options.required("join")),
                    Path.of(options.required("file")), System.out);
            if (!result.verified()) {
                throw new IOException("the copy did not complete: " + result.reason() + "; send the file again to resume");
            }
        }
    }

    /**
     * Starts a node that accepts file transfers and moves each verified file into {@code dir}.
     *
     * @param bind the address to bind; port 0 picks a free one (give a fixed one to resume after a restart)
     * @param dir  where received files go; created when missing
     * @param out  where each received file is reported
     * @return the running server
     * @throws IOException when the directory cannot be created or the node cannot bind
     */
    public static Server serve(InetSocketAddress bind, Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Cluster cluster = Cluster.create(ClusterConfig.lan().bindAddress(bind).nodeId(nodeId(dir))
                .transfers(TransferConfig.defaults().withDirectory(dir.resolve(".tamtam-transfers"))).build());
        cluster.setMetadata(ROLE, FILESERVER);
        cluster.transfers().handle(FILES, new TransferHandler() {
            @Override
            public TransferTarget accept(TransferOffer offer) throws IOException {
                if (offer.resumedBytes() > 0) {
                    out.println("resuming " + offer.name() + ": " + offer.resumedBytes() + " of " + offer.size() + " bytes held");
                }
                return TransferTarget.file(dir.resolve(safeName(offer.name())));
            }

            @Override
            public void ended(TransferOffer offer, TransferResult result) {
                out.println(result.completed()
                        ? "received " + offer.name() + " (" + offer.size() + " bytes, SHA-256 verified) from " + offer.sender()
                        : offer.name() + " " + result.status().name().toLowerCase(java.util.Locale.ROOT) + ": " + result.reason());
            }
        });
        return new Server(cluster);
    }

    /** The server's node id, kept in its directory so that a restarted server is the same node. */
    private static UUID nodeId(Path dir) throws IOException {
        Path f = dir.resolve(".tamtam-node-id");
        if (Files.exists(f)) {
            return UUID.fromString(Files.readString(f).trim());
        }
        UUID id = UUID.randomUUID();
        Files.writeString(f, id.toString());
        return id;
    }

    /**
     * Joins the cluster through {@code seed}, finds the node with {@code role=fileserver} and transfers
     * the file to it; then leaves and closes.
     *
     * @param bind the address this sending node binds; port 0 picks a free one
     * @param seed any node of the cluster
     * @param file the file to send
     * @param out  where the transfer is reported
     * @return what the transfer achieved
     * @throws Exception when the join fails or no file server shows up within 10 s
     */
    public static Result send(InetSocketAddress bind, InetSocketAddress seed, Path file, PrintStream out)
            throws Exception {
        TransferConfig transfers = TransferConfig.defaults().withUnreachableTimeout(Duration.ofMinutes(2));
        try (Cluster cluster = Cluster.create(ClusterConfig.lan().bindAddress(bind).transfers(transfers).build())) {
            CompletableFuture<Node> found = new CompletableFuture<>();
            Subscription watch = cluster.addMembershipListener(e -> {
                if (isFileServer(e.node())) {
                    found.complete(e.node());
                }
            });
            try {
                cluster.join(seed).get(10, TimeUnit.SECONDS);
                findFileServer(cluster).ifPresent(found::complete);
                Node server = found.get(10, TimeUnit.SECONDS);
                String id = file.getFileName() + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
                long start = System.nanoTime();
                AtomicLong lastReport = new AtomicLong();
                TransferResult r = cluster.transfers().send(server, FILES, file, TransferOptions.defaults().withId(id)
                        .withName(file.getFileName().toString()).withListener(p -> {
                            if (System.nanoTime() - lastReport.get() > 1_000_000_000L) {
                                lastReport.set(System.nanoTime());
                                out.printf("%d of %d bytes, %.1f MB/s%n", p.bytesDone(), p.totalBytes(), p.bytesPerSecond() / 1e6);
                            }
                        })).result().get();
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
                Result result = new Result(r.bytes(), r.resumedBytes(), r.completed(), elapsed, r.reason());
                out.printf("sent %s: %d bytes in %.3f s (%.1f MB/s), %d resumed, %s%n", file.getFileName(), r.bytes(),
                        seconds, (r.bytes() - r.resumedBytes()) / seconds / 1e6, r.resumedBytes(),
                        r.alreadyComplete() ? "already copied before"
                                : r.completed() ? "verified by the server" : r.status() + ": " + r.reason());
                return result;
            } finally {
                watch.close();
                cluster.leave(Duration.ofSeconds(2)).join();
            }
        }
    }

    private static Optional<Node> findFileServer(Cluster cluster) {
        return cluster.liveMembers().stream().filter(FileCopy::isFileServer).findFirst();
    }

    private static boolean isFileServer(Node node) {
        return FILESERVER.equals(node.metadata().get(ROLE));
    }

    private static Path safeName(String name) throws IOException {
        Path fileName = Path.of(name).getFileName();
        if (fileName == null || fileName.toString().equals("..") || fileName.toString().equals(".")
                || fileName.toString().startsWith(".tamtam-")) {
            throw new IOException("refusing file name '" + name + "'; send a plain file name");
        }
        return fileName;
    }
}
