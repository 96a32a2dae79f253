package io.tamtam.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tamtam.agent.HttpSlowClientTest.LONG;
import static io.tamtam.agent.HttpSlowClientTest.closedByServer;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An event-stream client that stops reading is disconnected, and what it held is freed. */
class SseSlowReaderTest {
    private final TestAgents agents = new TestAgents();

    @AfterEach
    void close() throws Exception {
        agents.close();
    }

    /** Opens an event stream with a small receive window and reads nothing. */
    Socket nonReadingStream(InetSocketAddress http) throws IOException {
        Socket slow = agents.add(new Socket());
        slow.setReceiveBufferSize(4096);
        slow.connect(http);
        slow.getOutputStream().write("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        slow.getOutputStream().flush();
        return slow;
    }

    /** An agent with an HTTP server of these timeouts, and one event stream that reads nothing open on it. */
    HttpApi serverWithStalledStream(AgentServer agent, Duration writeTimeout, Socket[] stalled) throws IOException {
        HttpApi api = agents.add(HttpApi.start(agent, new InetSocketAddress("127.0.0.1", 0),
                new HttpApi.Limits(Duration.ofSeconds(10), writeTimeout, 64), ""));
        stalled[0] = nonReadingStream(api.address());
        await().atMost(LONG).until(() -> api.openEventStreams() == 1);
        return api;
    }

    /** Changes the agent's metadata until {@code api} has no event stream open; at most LONG. */
    void changeUntilNoStream(AgentServer agent, HttpApi api, char fill, int pad) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(20)).until(() -> {
            agents.changeMetadata(agent, fill, pad);
            return api.openEventStreams() == 0;
        });
    }

    @Test
    void aWriteNotTakenWithinTheWriteTimeoutEndsTheStream() throws Exception {
        AgentServer agent = agents.agent("victim");
        Socket[] stalled = new Socket[1];
        HttpApi api = serverWithStalledStream(agent, Duration.ofMillis(500), stalled);
        Socket slow = stalled[0];
        changeUntilNoStream(agent, api, 'a', 400);
        await().atMost(LONG).until(() -> closedByServer(slow));
        assertTrue(api.closedByServer.sum() >= 1 && agent.streamDrops.sum() >= 1);
        // the slot is free again: a reader that reads gets its snapshot
        try (Socket next = nonReadingStream(api.address())) {
            next.setSoTimeout(30_000);
            byte[] head = next.getInputStream().readNBytes(15);
            assertEquals("HTTP/1.1 200 OK", new String(head, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void largeEventsEndTheStreamByBytesBeforeTheEventCountBound() throws Exception {
        AgentServer agent = agents.agent("victim");
        // writes may wait long: the byte bound alone ends the stream
        Socket[] stalled = new Socket[1];
        HttpApi api = serverWithStalledStream(agent, Duration.ofMinutes(10), stalled);
        Socket slow = stalled[0];
        AtomicInteger events = new AtomicInteger();
        agents.add(agent.cluster.addMembershipListener(e -> events.incrementAndGet()));
        // '<' is written as \u003c: about 2.5 KB per event
        changeUntilNoStream(agent, api, '<', 400);
        int emitted = events.get();
        await().atMost(LONG).until(() -> closedByServer(slow));
        assertTrue(emitted < HttpApi.EVENT_QUEUE, emitted + " events");
        assertTrue(api.closedByServer.sum() >= 1 && agent.streamDrops.sum() >= 1);
    }
}
