package io.tamtam.faults;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;
import io.tamtam.Node;
import io.tamtam.ClusterStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One cluster node in its own JVM (and network namespace) for the fault suite, driven over stdin/stdout.
 *
 * <p>Arguments: {@code <bind ip:port> <node id> <key hex | none> <push-pull seconds>}. It prints
 * {@code READY <id> <ip:port>}, then {@code E <epoch ms> <event type> <node id>} for each membership
 * event. Each input line {@code <seq> <command> [args]} is answered by one line {@code R <seq> <text>}:
 * <ul>
 *   <li>{@code JOIN <ip:port>,...}: {@code OK <seed id>} or {@code FAIL <reason>}</li>
 *   <li>{@code VIEW}: {@code <id>=<state>} for every known member, space separated</li>
 *   <li>{@code BCAST <tag> <count>}: broadcasts {@code tag:<own id>:<i>} for i in 1..count</li>
 *   <li>{@code RELIABLE <node id> <tag> <count>}: {@code sendReliable}s {@code tag:<own id>:<i>} for i in
 *       1..count, all at once, and answers {@code <ok> <failed> <first failure>} once every one completed</li>
 *   <li>{@code GOT <B|M> <tag>}: the payloads of that tag received by broadcast (B) or reliable send (M),
 *       in arrival order, space separated</li>
 *   <li>{@code MEM}: {@code heap=<bytes> rss=<kB> hwm=<kB> jdkDirect=<bytes> nettyDirect=<bytes>} after a
 *       full GC (RSS and its peak from /proc/self/status; direct memory of JDK buffers and Netty's own
 *       count, -1 when Netty does not count)</li>
 *   <li>{@code PEEK}: the same without the GC</li>
 *   <li>{@code STATS}: the node's drop counters by reason and packets received</li>
 * </ul>
 * It closes the node and exits when stdin closes.
 */
public final class FaultNodeMain {

    /** Message type of the suite's broadcasts. */
    static final MessageType<String> BROADCAST = MessageType.of(1000, String.class);
    /** Message type of the suite's reliable messages. */
    static final MessageType<String> RELIABLE = MessageType.of(1001, String.class);

    private final Cluster node;
    private final PrintStream out;
    private final List<String> broadcasts = new ArrayList<>();
    private final List<String> reliables = new ArrayList<>();

    private FaultNodeMain(Cluster node, PrintStream out) {
        this.node = node;
        this.out = out;
    }

    /**
     * @param args bind address, node id, key, push-pull interval in seconds
     * @throws Exception when the node cannot start
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String[] bind = args[0].split(":");
        ClusterConfig.Builder config = ClusterConfig.lan()
                .bindAddress(new InetSocketAddress(bind[0], Integer.parseInt(bind[1])))
                .nodeId(UUID.fromString(args[1]))
                .pushPullInterval(Duration.ofSeconds(Long.parseLong(args[3])));
        if (!args[2].equals("none")) {
            config.encryptionKeys(HexFormat.of().parseHex(args[2]));
        }
        try (Cluster node = Cluster.create(config.build())) {
            new FaultNodeMain(node, out).run();
        }
    }

    private void run() throws IOException {
        node.handle(BROADCAST, p -> {
            synchronized (broadcasts) {
                broadcasts.add(p.payload());
            }
        });
        node.handle(RELIABLE, p -> {
            synchronized (reliables) {
                reliables.add(p.payload());
            }
        });
        node.addMembershipListener(e -> print("E " + System.currentTimeMillis() + " " + e.type() + " " + e.node().id()));
        print("READY " + node.localNode().id() + " " + hostPort(node.localNode().address()));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.trim().split(" ");
            String reply;
            try {
                reply = execute(words);
            } catch (Exception e) {
                reply = "ERROR " + e.toString().replace('\n', ' ');
            }
            print("R " + words[0] + " " + reply);
        }
    }

    private String execute(String[] w) throws Exception {
        switch (w[1]) {
            case "JOIN": {
                List<InetSocketAddress> seeds = new ArrayList<>();
                for (String s : w[2].split(",")) {
                    String[] hp = s.split(":");
                    seeds.add(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])));
                }
                try {
                    return "OK " + node.join(seeds).get(30, TimeUnit.SECONDS).id();
                } catch (java.util.concurrent.ExecutionException e) {
                    return "FAIL " + String.valueOf(e.getCause()).replace('\n', ' ');
                }
            }
            case "VIEW":
                return node.members().stream().map(m -> m.id() + "=" + m.state()).collect(Collectors.joining(" "));
            case "BCAST": {
                int count = Integer.parseInt(w[3]);
                for (int i = 1; i <= count; i++) {
                    node.broadcast(BROADCAST, w[2] + ":" + node.localNode().id() + ":" + i).get(10, TimeUnit.SECONDS);
                }
                return "OK " + count;
            }
            case "RELIABLE":
                return sendReliable(UUID.fromString(w[2]), w[3], Integer.parseInt(w[4]));
            case "GOT": {
                List<String> from = w[2].equals("B") ? broadcasts : reliables;
                String prefix = w[3] + ":";
                synchronized (from) {
                    return from.stream().filter(s -> s.startsWith(prefix)).collect(Collectors.joining(" "));
                }
            }
            case "MEM":
                System.gc();
                return memory();
            case "PEEK":
                return memory();
            case "STATS": {
                ClusterStats stats = node.stats();
                StringBuilder b = new StringBuilder();
                for (DropReason r : DropReason.values()) {
                    b.append(r).append('=').append(stats.dropped(r)).append(' ');
                }
                return b.append("received=").append(stats.packetsReceived()).toString();
            }
            default:
                return "ERROR unknown command " + w[1];
        }
    }

    private String sendReliable(UUID to, String tag, int count) throws InterruptedException {
        Node target = node.member(to).orElse(null);
        if (target == null) {
            return "0 " + count + " unknown-node";
        }
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            sent.add(node.sendReliable(target, RELIABLE, tag + ":" + node.localNode().id() + ":" + i));
        }
        int ok = 0;
        String firstFailure = "-";
        for (CompletableFuture<Void> f : sent) {
            try {
                f.get(60, TimeUnit.SECONDS);
                ok++;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                if (firstFailure.equals("-")) {
                    firstFailure = String.valueOf(e.getCause() == null ? e : e.getCause()).replace(' ', '_');
                }
            }
        }
        return ok + " " + (count - ok) + " " + firstFailure;
    }

    private static String memory() throws IOException {
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long jdkDirect = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        String rss = "?";
        String hwm = "?";
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = line.replaceAll("\\D", "");
            } else if (line.startsWith("VmHWM:")) {
                hwm = line.replaceAll("\\D", "");
            }
        }
        return "heap=" + heap + " rss=" + rss + " hwm=" + hwm + " jdkDirect=" + jdkDirect
                + " nettyDirect=" + io.netty.util.internal.PlatformDependent.usedDirectMemory();
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private void print(String line) {
        synchronized (out) {
            out.println(line);
        }
    }
}
