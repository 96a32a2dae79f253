package io.tamtam.testkit.transfer;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.transfer.TransferConfig;
import io.tamtam.transfer.TransferHandler;
import io.tamtam.transfer.TransferOffer;
import io.tamtam.transfer.TransferOptions;
import io.tamtam.transfer.TransferResult;
import io.tamtam.transfer.TransferTarget;
import io.tamtam.transfer.TransferType;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A node process for {@link TransferProcessTest}. {@code receive <nodeId> <port> <dir> <dest>}: receives into
 * {@code dest}, prints {@code READY <port>} and {@code ENDED <status> <resumedBytes>}, runs until stdin
 * closes. {@code send <port of receiver> <receiverId> <dir> <file> <id>}: sends, prints
 * {@code RESULT <status> <resumedBytes> <reason>}, exits.
 */
public final class TransferNodeMain {
    static final TransferType TYPE = TransferType.of(900);

    private TransferNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        TransferConfig transfers = TransferConfig.defaults().withDirectory(Path.of(args[3]))
                .withPartTimeout(Duration.ofSeconds(5)).withUnreachableTimeout(Duration.ofSeconds(120));
        if (args[0].equals("receive")) {
            ClusterConfig config = ClusterConfig.lan().nodeId(UUID.fromString(args[1]))
                    .bindAddress(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[2]))).transfers(transfers).build();
            try (Cluster c = Cluster.create(config)) {
                Path dest = Path.of(args[4]);
                c.transfers().handle(TYPE, new TransferHandler() {
                    @Override
                    public TransferTarget accept(TransferOffer offer) {
                        System.out.println("OFFER " + offer.resumedBytes());
                        return TransferTarget.file(dest);
                    }

                    @Override
                    public void ended(TransferOffer offer, TransferResult result) {
                        System.out.println("ENDED " + result.status() + " " + result.resumedBytes());
                    }
                });
                System.out.println("READY " + c.localNode().address().getPort());
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                while (in.readLine() != null) {
                    // until the test closes stdin
                }
            }
        } else {
            ClusterConfig config = ClusterConfig.lan().bindAddress(new InetSocketAddress("127.0.0.1", 0)).transfers(transfers).build();
            try (Cluster c = Cluster.create(config)) {
                c.join(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]))).get(30, TimeUnit.SECONDS);
                long start = System.nanoTime();
                TransferResult r = c.transfers().send(UUID.fromString(args[2]), TYPE, Path.of(args[4]),
                        TransferOptions.defaults().withId(args[5])).result().get(10, TimeUnit.MINUTES);
                long ms = (System.nanoTime() - start) / 1_000_000;
                System.out.println("RESULT " + r.status() + " " + r.resumedBytes() + " " + ms + " " + r.reason());
            }
        }
    }
}
