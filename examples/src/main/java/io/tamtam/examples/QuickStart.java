package io.tamtam.examples;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Node;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The basic use of TamTam: start a node, handle a message type, join a seed, broadcast, leave, close.
 *
 * <p>Run it against a running node, for example the {@link Chat} started with
 * {@code --port 7001}:
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=QuickStart -Dexec.args="127.0.0.1:7001"
 * </pre>
 */
public final class QuickStart {

    /** The message type of {@link Greeting}s; applications use types from {@link Cluster#USER_TYPE_MIN}. */
    public static final MessageType<Greeting> GREETING = MessageType.of(1000, Greeting.class);

    /**
     * A message payload: any record made of plain values, lists, maps and other records.
     *
     * @param from who greets
     * @param text the greeting
     */
    public record Greeting(String from, String text) {
    }

    private QuickStart() {
    }

    /**
     * Starts a node on 127.0.0.1, joins {@code seed}, broadcasts one greeting, leaves and closes.
     *
     * @param seed the address of a node already running
     * @param out  where to print what happens
     * @throws Exception when the node cannot start or the join fails
     */
    public static void run(InetSocketAddress seed, PrintStream out) throws Exception {
        // tag::quickstart[]
        try (Cluster cluster = Cluster.create(ClusterConfig.local().build())) {
            cluster.handle(GREETING,
                    packet -> out.println(packet.payload().from() + " says " + packet.payload().text()));

            Node seedNode = cluster.join(seed).get(10, TimeUnit.SECONDS);
            out.println("joined through " + seedNode.address() + ", members: " + cluster.liveMembers().size());

            cluster.broadcast(GREETING, new Greeting("quick-start", "hello, cluster")).join();

            cluster.leave(Duration.ofSeconds(2)).join();
        }
        // end::quickstart[]
        out.println("left and closed");
    }

    /**
     * Entry point.
     *
     * @param args {@code host:port} of a running node
     * @throws Exception when the node cannot start or the join fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.out.println("usage: QuickStart host:port   (the address of a running node, e.g. a Chat)");
            return;
        }
        run(Args.address(args[0]), System.out);
    }
}
