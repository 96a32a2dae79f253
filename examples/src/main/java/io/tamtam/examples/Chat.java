package io.tamtam.examples;

import io.tamtam.MessageType;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.MembershipEvent;
import io.tamtam.Node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A chat between terminals: every line typed is broadcast to the cluster; lines from the others and
 * membership changes are printed. End with Ctrl-D (leaves gracefully) or Ctrl-C (the others see the
 * node fail).
 *
 * <p>In one terminal, then in another:
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=Chat -Dexec.args="--port 7001 --name alice"
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=Chat -Dexec.args="--port 7002 --join 127.0.0.1:7001 --name bob"
 * </pre>
 *
 * <p>Options: {@code --port P} (0 picks a free port), {@code --name NAME}, {@code --join host:port} of
 * any running chat node, {@code --bind ADDRESS} (default 127.0.0.1; use an interface address to chat
 * across hosts).
 */
public final class Chat implements AutoCloseable {

    /** The message type of chat {@link Line}s. */
    public static final MessageType<Line> LINE = MessageType.of(1002, Line.class);

    /**
     * One chat line.
     *
     * @param name who typed it
     * @param text what was typed
     */
    public record Line(String name, String text) {
    }

    private final Cluster cluster;
    private final String name;

    private Chat(Cluster cluster, String name) {
        this.cluster = cluster;
        this.name = name;
    }

    /**
     * Entry point.
     *
     * @param args the options, see the class documentation
     * @throws Exception when the node cannot start or the join fails
     */
    public static void main(String[] args) throws Exception {
        run(args, System.in, System.out);
    }

    /**
     * Runs a chat node: starts it, joins when asked, broadcasts the lines of {@code in} until its end,
     * then leaves.
     *
     * @param args the options, see the class documentation
     * @param in   the lines to send
     * @param out  where lines from others and membership changes go
     * @throws Exception when the node cannot start or the join fails
     */
    public static void run(String[] args, InputStream in, PrintStream out) throws Exception {
        Args options = Args.parse(args, 0);
        InetSocketAddress bind = new InetSocketAddress(options.optional("bind", "127.0.0.1"),
                Integer.parseInt(options.required("port")));
        String join = options.optional("join", null);
        try (Chat chat = start(bind, join == null ? null : Args.address(join), options.required("name"), out)) {
            out.println("* " + chat.name + " on " + Args.format(chat.address())
                    + "; type lines to send, Ctrl-D to leave");
            chat.type(in);
        }
    }

    /**
     * Starts a chat node.
     *
     * @param bind the address to bind; port 0 picks a free one
     * @param seed a running chat node to join, or null to start a new chat
     * @param name the name shown to the others
     * @param out  where lines from others and membership changes go
     * @return the running node
     * @throws Exception when the node cannot start or the join fails
     */
    public static Chat start(InetSocketAddress bind, InetSocketAddress seed, String name, PrintStream out)
            throws Exception {
        Cluster cluster = Cluster.create(ClusterConfig.lan().bindAddress(bind).build());
        try {
            cluster.setMetadata("name", name);
            cluster.handle(LINE, p -> out.println(p.payload().name() + ": " + p.payload().text()));
            cluster.addMembershipListener(e -> describe(e).ifPresent(out::println));
            if (seed != null) {
                cluster.join(seed).get(10, TimeUnit.SECONDS);
            }
            return new Chat(cluster, name);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    private static Optional<String> describe(MembershipEvent event) {
        Node node = event.node();
        String who = node.metadata().getOrDefault("name", Args.format(node.address()));
        switch (event.type()) {
            case JOINED:
                return Optional.of("* " + who + " joined");
            case SUSPECT:
                return Optional.of("* " + who + " is not answering");
            case ALIVE:
                return Optional.of("* " + who + " is back");
            case DEAD:
                return Optional.of("* " + who + " is gone (failed)");
            case LEFT:
                return Optional.of("* " + who + " left");
            default:
                return Optional.empty();
        }
    }

    /** @return the address this node is bound to, for others to join */
    public InetSocketAddress address() {
        return cluster.localNode().address();
    }

    /**
     * Broadcasts every line of {@code in} until its end; blank lines are skipped.
     *
     * @param in the lines, UTF-8
     * @throws IOException when reading fails
     */
    public void type(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String text = reader.readLine(); text != null; text = reader.readLine()) {
            if (!text.isBlank()) {
                cluster.broadcast(LINE, new Line(name, text)).join();
            }
        }
    }

    /** Leaves the chat gracefully and closes the node. */
    @Override
    public void close() {
        cluster.leave(Duration.ofSeconds(2)).join();
        cluster.close();
    }
}
