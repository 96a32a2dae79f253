package io.tamtam.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/** A {@link FaultNodeMain} JVM running in one host namespace of a {@link Lab}, and what it reported. */
final class NodeProc implements AutoCloseable {

    /** The port every node binds in its own namespace. */
    static final int PORT = 7946;

    /** One membership event a node reported, with the node's wall-clock time. */
    record Event(long epochMillis, String type, UUID node) { }

    final int host;
    final UUID id;
    final String address;
    private final Process process;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Map<Long, String> replies = new ConcurrentHashMap<>();
    private final List<String> other = new CopyOnWriteArrayList<>();
    private final AtomicLong seq = new AtomicLong();

    private NodeProc(int host, UUID id, Process process) {
        this.host = host;
        this.id = id;
        this.address = Lab.ip(host) + ":" + PORT;
        this.process = process;
        Thread reader = new Thread(this::read, "node-" + host + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a node in host {@code host} of {@code lab} and waits until it is ready.
     *
     * @param id      the node id (a restart passes the old one)
     * @param key     the cluster key in hex, or {@code none}
     * @param maxHeap the child's -Xmx, e.g. {@code 128m}
     */
    static NodeProc start(Lab lab, int host, UUID id, String key, String maxHeap) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path logs = FaultSupport.target().resolve("fault-logs");
        Files.createDirectories(logs);
        List<String> command = lab.inHost(host, List.of(java, "-Xmx" + maxHeap, "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), FaultNodeMain.class.getName(),
                Lab.ip(host) + ":" + PORT, id.toString(), key, "5"));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(logs.resolve("host" + host + ".log").toFile()))
                .start();
        NodeProc node = new NodeProc(host, id, p);
        await().atMost(Duration.ofSeconds(60)).until(() -> node.other.stream().anyMatch(l -> l.startsWith("READY ")) || !p.isAlive());
        if (!p.isAlive()) {
            throw new IllegalStateException("node on host " + host + " exited with " + p.exitValue() + "; see " + logs);
        }
        return node;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("E ")) {
                    String[] w = line.split(" ");
                    events.add(new Event(Long.parseLong(w[1]), w[2], UUID.fromString(w[3])));
                } else if (line.startsWith("R ")) {
                    int space = line.indexOf(' ', 2);
                    replies.put(Long.parseLong(line.substring(2, space)), line.substring(space + 1));
                } else {
                    other.add(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            other.add("READ FAILED " + e);
        }
    }

    /** Sends one command and waits up to {@code timeout} for its answer. */
    String command(String command, Duration timeout) {
        long n = seq.incrementAndGet();
        try {
            OutputStream in = process.getOutputStream();
            synchronized (in) {
                in.write((n + " " + command + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
        } catch (IOException e) {
            throw new IllegalStateException("node on host " + host + " is gone: " + e, e);
        }
        await().atMost(timeout).until(() -> replies.containsKey(n) || !process.isAlive());
        String reply = replies.remove(n);
        if (reply == null) {
            throw new IllegalStateException("node on host " + host + " exited while running " + command);
        }
        return reply;
    }

    String command(String command) {
        return command(command, Duration.ofSeconds(30));
    }

    /** @return this node's view: every member it knows and its state */
    Map<UUID, String> view() {
        Map<UUID, String> view = new HashMap<>();
        for (String entry : command("VIEW").split(" ")) {
            if (!entry.isEmpty()) {
                String[] kv = entry.split("=");
                view.put(UUID.fromString(kv[0]), kv[1]);
            }
        }
        return view;
    }

    /** @return the state this node sees {@code other} in, or {@code ABSENT} */
    String stateOf(NodeProc other) {
        return view().getOrDefault(other.id, "ABSENT");
    }

    /** @return the membership events this node reported so far */
    List<Event> events() {
        return new ArrayList<>(events);
    }

    /** @return the events of one type about {@code node} at or after {@code sinceMillis} */
    List<Event> events(String type, UUID node, long sinceMillis) {
        return events.stream().filter(e -> e.type().equals(type) && e.node().equals(node) && e.epochMillis() >= sinceMillis).toList();
    }

    /** @return the payloads with this tag received by broadcast ({@code B}) or reliable send ({@code M}) */
    List<String> received(String kind, String tag) {
        String got = command("GOT " + kind + " " + tag);
        return got.isEmpty() ? List.of() : List.of(got.split(" "));
    }

    /** @return the numbers after {@code key=} in a reply such as {@code a=1 b=2} */
    static Map<String, Long> numbers(String reply) {
        Map<String, Long> m = new HashMap<>();
        for (String kv : reply.split(" ")) {
            String[] p = kv.split("=");
            if (p.length == 2 && p[1].matches("\\d+")) {
                m.put(p[0], Long.parseLong(p[1]));
            }
        }
        return m;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process with SIGKILL, as {@code kill -9}. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes stdin (the node closes and exits), then kills it if still running after 5 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (IOException e) {
            kill();
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
    }
}
