package io.tamtam.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Clients that send a request slowly, or never finish it, hold no thread and are closed in time. */
class HttpSlowClientTest {
    static final Duration LONG = Duration.ofSeconds(60);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final TestAgents agents = new TestAgents();

    @AfterEach
    void close() throws Exception {
        agents.close();
    }

    static HttpResponse<String> get(InetSocketAddress http, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://" + Addresses.format(http) + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A connection that sends {@code request} and reads nothing. */
    Socket send(InetSocketAddress http, String request) throws IOException {
        Socket s = agents.add(new Socket(http.getAddress(), http.getPort()));
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** @return whether the server closed {@code s}: reads what it sent, for at most 100 ms */
    static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout(100);
        byte[] buffer = new byte[65536];
        try {
            for (int i = 0; i < 1000; i++) {
                if (s.getInputStream().read(buffer) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    HttpApi http(AgentServer agent, HttpApi.Limits limits) throws IOException {
        return agents.add(HttpApi.start(agent, new InetSocketAddress("127.0.0.1", 0), limits, ""));
    }

    @Test
    void unfinishedRequestsLeaveHealthAndMetricsAnswering() throws Exception {
        AgentServer agent = agents.agent("victim", "http", "127.0.0.1:0");
        InetSocketAddress http = agent.httpAddress().orElseThrow();
        // more unfinished requests than the 40 worker threads the server once had
        for (int i = 0; i < 2 * (HttpApi.MAX_EVENT_STREAMS + 8); i++) {
            send(http, "GET /health/live HTTP/1.1\r\nHost: x\r\n");
        }
        assertEquals(200, get(http, "/health/live").statusCode());
        assertEquals(200, get(http, "/metrics").statusCode());
        assertEquals(200, get(http, "/health/live").statusCode());
    }

    @Test
    void aRequestNotWholeInTimeAndAnIdleConnectionAreClosed() throws Exception {
        AgentServer agent = agents.agent("victim");
        HttpApi api = http(agent, new HttpApi.Limits(Duration.ofMillis(300), Duration.ofSeconds(10), 64));
        Socket unfinished = send(api.address(), "GET /health/live HTTP/1.1\r\nHost: x\r\n");
        Socket answered = send(api.address(), "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
        await().atMost(LONG).until(() -> closedByServer(unfinished));
        await().atMost(LONG).until(() -> closedByServer(answered));
        assertTrue(api.closedByServer.sum() >= 2, "closed " + api.closedByServer.sum());
    }

    @Test
    void oneConnectionMoreThanTheLimitClosesTheOneWaitingLongest() throws Exception {
        AgentServer agent = agents.agent("victim");
        HttpApi api = http(agent, new HttpApi.Limits(Duration.ofMinutes(10), Duration.ofSeconds(10), 4));
        Socket[] idle = new Socket[4];
        for (int i = 0; i < idle.length; i++) {
            idle[i] = send(api.address(), "GET /health/live HTTP/1.1\r\nHost: x\r\n");
            // accepted in order: the server counts it before the next one connects
            int accepted = i + 1;
            await().atMost(LONG).until(() -> api.openConnections() == accepted);
        }
        assertEquals(200, get(api.address(), "/health/live").statusCode());
        await().atMost(LONG).until(() -> closedByServer(idle[0]));
        assertFalse(closedByServer(idle[idle.length - 1]));
        assertEquals(1, api.closedByServer.sum());
    }
}
