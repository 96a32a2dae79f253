package io.tamtam.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP server beyond loopback: refused without a token, and with one every request but the health checks carries it. */
class HttpAuthTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final TestAgents agents = new TestAgents();

    @AfterEach
    void close() throws Exception {
        agents.close();
    }

    @Test
    void beyondLoopbackWithoutATokenTheAgentDoesNotStart() {
        IllegalArgumentException open = assertThrows(IllegalArgumentException.class, () -> agents.agent("open", "http", "0.0.0.0:0"));
        assertEquals("the HTTP server binds to 0.0.0.0:0, beyond loopback: set --rpc-token (or TAMTAM_RPC_TOKEN) so that only "
                + "holders of the token can read it (health checks excepted), or bind --http to loopback, or set it to 'off'",
                open.getMessage());
    }

    static HttpResponse<String> get(InetSocketAddress http, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + Addresses.format(http) + path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withATokenEveryRequestButHealthChecksCarriesIt() throws Exception {
        AgentServer agent = agents.agent("guarded", "rpc-token", "s3cret");
        // as the agent starts it beyond loopback, here on loopback
        InetSocketAddress http = agents.add(HttpApi.start(agent, new InetSocketAddress("127.0.0.1", 0), "s3cret")).address();
        HttpResponse<String> anonymous = get(http, "/api/v1/self", null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("www-authenticate").orElse("").startsWith("Basic realm="), anonymous.headers().toString());
        assertTrue(anonymous.body().contains("'Authorization: Bearer TOKEN' (TOKEN is the agent's --rpc-token)"), anonymous.body());
        assertEquals(401, get(http, "/metrics", "Bearer guess").statusCode());
        assertEquals(401, get(http, "/", "Basic " + Base64.getEncoder().encodeToString("x:guess".getBytes(StandardCharsets.UTF_8))).statusCode());
        assertEquals(401, get(http, "/api/v1/events", "Basic ???").statusCode());
        assertEquals(200, get(http, "/api/v1/self", "Bearer s3cret").statusCode());
        assertEquals(200, get(http, "/", "Basic " + Base64.getEncoder().encodeToString("anyone:s3cret".getBytes(StandardCharsets.UTF_8))).statusCode());
        assertEquals(200, get(http, "/health/live", null).statusCode());
        assertEquals(200, get(http, "/health/ready", null).statusCode());
    }
}
