package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A cluster node in its own JVM for {@link MultiProcessClusterTest}. Arguments: the seed port on
 * 127.0.0.1 (0 for none) and a metadata value. It reports on stdout, one line each: {@code PORT <port>},
 * {@code ID <uuid>}, {@code JOINED}, {@code MEMBERS <alive count>} after each change and
 * {@code DEAD <uuid>}; it runs until its stdin closes.
 */
public final class ChildNodeMain {

    private ChildNodeMain() {
    }

    /**
     * @param args seed port, metadata value
     * @throws Exception when the node cannot start or join
     */
    public static void main(String[] args) throws Exception {
        int seedPort = Integer.parseInt(args[0]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Cluster node = Cluster.create(ClusterConfig.local().build())) {
            node.addMembershipListener(e -> {
                synchronized (out) {
                    out.println("MEMBERS " + node.liveMembers().size());
                    if (e.type() == MembershipEvent.Type.DEAD) {
                        out.println("DEAD " + e.node().id());
                    }
                }
            });
            synchronized (out) {
                out.println("PORT " + node.localNode().address().getPort());
                out.println("ID " + node.localNode().id());
            }
            if (seedPort != 0) {
                node.join(new InetSocketAddress("127.0.0.1", seedPort)).get(20, TimeUnit.SECONDS);
                out.println("JOINED");
            }
            node.setMetadata("process", args[1]);
            waitForStdinToClose();
        }
    }

    private static void waitForStdinToClose() throws IOException {
        while (System.in.read() >= 0) {
            // any input is ignored; end of input ends the node
        }
    }
}
