package io.tamtam.examples;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Node;
import io.tamtam.NodeStream;
import io.tamtam.Subscription;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Copies a file from one node to another over a stream. The serving node announces itself with the
 * metadata entry {@code role=fileserver}; the sender joins the cluster, finds it by that entry, opens a
 * stream, sends the file name, length and bytes, and compares the SHA-256 the server computed with its
 * own.
 *
 * <p>Serve into a directory (runs until Ctrl-C), then send from another terminal (paths are relative
 * to the directory the command runs in):
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=FileCopy -Dexec.args="serve --port 7010 --dir /tmp/received"
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=FileCopy -Dexec.args="send --join 127.0.0.1:7010 --file pom.xml"
 * </pre>
 *
 * <p>Both take {@code --bind ADDRESS} (default 127.0.0.1) to copy across hosts.
 *
 * <p>On the stream, the sender writes {@code writeUTF(name)}, {@code writeLong(length)} and the bytes,
 * then half-closes; the server answers {@code writeLong(bytesReceived)} and {@code writeUTF(sha256Hex)}.
 */
public final class FileCopy {

    /** The stream type of file copies. */
    public static final int FILE_STREAM = 1003;

    /** The metadata entry by which senders find the serving node. */
    public static final String ROLE = "role";

    /** The {@link #ROLE} value of the serving node. */
    public static final String FILESERVER = "fileserver";

    private static final int BUFFER_SIZE = 256 * 1024;

    private FileCopy() {
    }

    /**
     * What a send achieved.
     *
     * @param bytes    the bytes sent
     * @param sha256   the SHA-256 of the file, hexadecimal
     * @param verified whether the server computed the same length and SHA-256
     * @param elapsed  how long the transfer took, from opening the stream to the server's reply
     */
    public record Result(long bytes, String sha256, boolean verified, Duration elapsed) {
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
                throw new IOException("the server's checksum differs from ours; send the file again");
            }
        }
    }

    /**
     * Starts a node that accepts file streams and writes the files into {@code dir}.
     *
     * @param bind the address to bind; port 0 picks a free one
     * @param dir  where received files go; created when missing
     * @param out  where each received file is reported
     * @return the running server
     * @throws IOException when the directory cannot be created or the node cannot bind
     */
    public static Server serve(InetSocketAddress bind, Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Cluster cluster = Cluster.create(ClusterConfig.lan().bindAddress(bind).build());
        cluster.setMetadata(ROLE, FILESERVER);
        cluster.handleStream(FILE_STREAM, stream -> receive(stream, dir, out));
        return new Server(cluster);
    }

    private static void receive(NodeStream stream, Path dir, PrintStream out) throws IOException {
        try (stream) {
            DataInputStream in = new DataInputStream(stream.inputStream());
            Path target = dir.resolve(safeName(in.readUTF()));
            long length = in.readLong();
            MessageDigest sha256 = sha256();
            long received = 0;
            byte[] buffer = new byte[BUFFER_SIZE];
            try (OutputStream file = Files.newOutputStream(target)) {
                while (received < length) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - received));
                    if (n < 0) {
                        throw new IOException("stream ended after " + received + " of " + length + " bytes");
                    }
                    file.write(buffer, 0, n);
                    sha256.update(buffer, 0, n);
                    received += n;
                }
            }
            String hex = HexFormat.of().formatHex(sha256.digest());
            DataOutputStream reply = new DataOutputStream(stream.outputStream());
            reply.writeLong(received);
            reply.writeUTF(hex);
            reply.flush();
            stream.outputStream().close();
            out.println("received " + target + " (" + received + " bytes, sha256 " + hex + ") from "
                    + Args.format(stream.remote().address()));
        }
    }

    /**
     * Joins the cluster through {@code seed}, finds the node with {@code role=fileserver}, sends the
     * file to it and checks the server's checksum; then leaves and closes.
     *
     * @param bind the address this sending node binds; port 0 picks a free one
     * @param seed any node of the cluster
     * @param file the file to send
     * @param out  where the transfer is reported
     * @return what the transfer achieved
     * @throws Exception when the join fails, no file server shows up within 10 s, or the copy fails
     */
    public static Result send(InetSocketAddress bind, InetSocketAddress seed, Path file, PrintStream out)
            throws Exception {
        try (Cluster cluster = Cluster.create(ClusterConfig.lan().bindAddress(bind).build())) {
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
                Result result = copy(cluster, server, file);
                double seconds = Math.max(result.elapsed().toNanos(), 1) / 1e9;
                out.printf("sent %s: %d bytes in %.3f s (%.1f KiB/s), sha256 %s %s%n", file.getFileName(),
                        result.bytes(), seconds, result.bytes() / seconds / 1024, result.sha256(),
                        result.verified() ? "verified by the server" : "DIFFERS at the server");
                return result;
            } finally {
                watch.close();
                cluster.leave(Duration.ofSeconds(2)).join();
            }
        }
    }

    private static Result copy(Cluster cluster, Node server, Path file) throws Exception {
        long length = Files.size(file);
        MessageDigest sha256 = sha256();
        long start = System.nanoTime();
        try (NodeStream stream = cluster.openStream(server, FILE_STREAM).get(10, TimeUnit.SECONDS);
             InputStream in = Files.newInputStream(file)) {
            DataOutputStream data = new DataOutputStream(stream.outputStream());
            data.writeUTF(file.getFileName().toString());
            data.writeLong(length);
            byte[] buffer = new byte[BUFFER_SIZE];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                data.write(buffer, 0, n);
                sha256.update(buffer, 0, n);
            }
            data.flush();
            stream.outputStream().close();

            DataInputStream reply = new DataInputStream(stream.inputStream());
            long received = reply.readLong();
            String theirs = reply.readUTF();
            String ours = HexFormat.of().formatHex(sha256.digest());
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return new Result(length, ours, received == length && ours.equals(theirs), elapsed);
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
        if (fileName == null || fileName.toString().equals("..") || fileName.toString().equals(".")) {
            throw new IOException("refusing file name '" + name + "'; send a plain file name");
        }
        return fileName;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
