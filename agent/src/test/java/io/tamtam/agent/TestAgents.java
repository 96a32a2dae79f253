package io.tamtam.agent;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Agents in this JVM on loopback, and whatever else a test opens: closed in reverse order by {@link #close()}. */
final class TestAgents implements AutoCloseable {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicInteger changes = new AtomicInteger();

    /**
     * @param name the node's name
     * @param more setting keys and values over the defaults (every address on 127.0.0.1, port 0; HTTP off)
     */
    AgentServer agent(String name, String... more) throws Exception {
        Map<String, String> flags = new HashMap<>(Map.of("rpc", "127.0.0.1:0", "bind", "127.0.0.1:0", "http", "off",
                "name", name, "profile", "local"));
        for (int i = 0; i < more.length; i += 2) {
            flags.put(more[i], more[i + 1]);
        }
        Settings settings = Settings.resolve(flags, Map.of(), null, Path.of("/nonexistent-home"));
        return add(new AgentServer(settings, new AgentLog(new PrintStream(OutputStream.nullOutputStream()), AgentLog.Level.WARN)));
    }

    /** Changes the agent's metadata 32 times: 32 membership events of about {@code pad} characters each. */
    void changeMetadata(AgentServer agent, char fill, int pad) {
        char[] chars = new char[pad];
        Arrays.fill(chars, fill);
        for (int i = 0; i < 32; i++) {
            agent.cluster.setMetadata("pad", new String(chars) + changes.incrementAndGet());
        }
    }

    <T extends AutoCloseable> T add(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        closeables.clear();
    }
}
