package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A cluster node in its own JVM for {@link FullRestartClusterTest}. Arguments: the port to bind on
 * 127.0.0.1 (0 for any), the seed port (0 for none: the node rejoins through its snapshot file only) and
 * the snapshot file. It prints {@code PORT <port>} once bound, then {@code LIVE <count>} whenever its
 * count of live members changes (polled every 100 ms); it runs until its stdin closes or it is killed.
 */
public final class RestartNodeMain {

    private RestartNodeMain() {
    }

    /**
     * @param args port, seed port, snapshot file
     * @throws Exception when the node cannot start or join
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int seedPort = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ClusterConfig config = ClusterConfig.local()
                .bindAddress(new InetSocketAddress("127.0.0.1", port))
                .snapshotFile(Path.of(args[2]))
                .rejoinMaxBackoff(Duration.ofSeconds(2))
                .build();
        try (Cluster node = Cluster.create(config)) {
            synchronized (out) {
                out.println("PORT " + node.localNode().address().getPort());
            }
            // Reports the live member count whenever a membership event changes it.
            int[] last = {-1};
            Runnable report = () -> {
                synchronized (out) {
                    int now = node.liveMembers().size();
                    if (now != last[0]) {
                        out.println("LIVE " + now);
                        last[0] = now;
                    }
                }
            };
            node.addMembershipListener(e -> report.run());
            report.run();
            if (seedPort != 0) {
                node.join(new InetSocketAddress("127.0.0.1", seedPort)).get(30, TimeUnit.SECONDS);
            }
            while (System.in.read() >= 0) {
                // any input is ignored; end of input ends the node
            }
        } catch (IOException e) {
            out.println("FAILED " + e);
            throw e;
        }
    }
}
