package io.tamtam.transport.websocket;

import io.tamtam.DropReason;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the WebSocket transport refuses, seen from a real WebSocket client (the JDK's) on loopback. */
class WebSocketLimitsTest {

    private static final int MAX_FRAME = 1024;

    private final RecordingListener recorded = new RecordingListener();
    private final Queue<byte[]> frames = recorded.frames;
    private final Queue<DropReason> drops = recorded.drops;
    private final WebSocketTransport transport = new WebSocketTransport(new TransportOptions(1400, MAX_FRAME,
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5)), WebSocketConfig.defaults());
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        transport.close();
    }

    private InetSocketAddress bind() throws Exception {
        return transport.bind(new InetSocketAddress("127.0.0.1", 0), recorded);
    }

    @Test
    void framesAboveTheLimitAreRefusedCountedAndCloseTheConnection() throws Exception {
        InetSocketAddress at = bind();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = JdkClients.frames(http, at, closed);
        assertEquals(WebSocketTransport.FRAMES, ws.getSubprotocol());

        ws.sendBinary(ByteBuffer.wrap(new byte[MAX_FRAME]), true).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 1);
        assertEquals(MAX_FRAME, frames.peek().length);

        ws.sendBinary(ByteBuffer.wrap(new byte[MAX_FRAME + 1]), true);
        await().atMost(Duration.ofSeconds(10)).until(() -> drops.contains(DropReason.OVERSIZED));
        int status = closed.get(10, TimeUnit.SECONDS);
        assertTrue(status == 1009 || status == -1 || status == 1006, "closed with " + status);
        assertEquals(1, frames.size(), "the oversized frame was not delivered");
    }

    @Test
    void aMessageSplitIntoFragmentsAboveTheLimitIsRefused() throws Exception {
        InetSocketAddress at = bind();
        WebSocket ws = http.newWebSocketBuilder().subprotocols(WebSocketTransport.FRAMES)
                .buildAsync(URI.create("ws://127.0.0.1:" + at.getPort() + WebSocketConfig.DEFAULT_PATH),
                        new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[MAX_FRAME / 2]), false).get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[MAX_FRAME / 2]), false).get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[16]), true);
        await().atMost(Duration.ofSeconds(10)).until(() -> drops.contains(DropReason.OVERSIZED));
        assertTrue(frames.isEmpty());
    }

    @Test
    void aConnectionThatDoesNotUpgradeWithinThePrefaceTimeoutIsClosedAndCounted() throws Exception {
        InetSocketAddress at = bind();
        try (java.net.Socket silent = new java.net.Socket(); java.net.Socket half = new java.net.Socket()) {
            silent.connect(at, 5000);
            half.connect(at, 5000);
            half.getOutputStream().write("GET /tamtam HTTP/1.1\r\nHost: 127".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            half.getOutputStream().flush();
            silent.setSoTimeout(20_000);
            half.setSoTimeout(20_000);
            assertEquals(-1, silent.getInputStream().read(), "closed by the node");
            assertEquals(-1, half.getInputStream().read(), "closed by the node");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> drops.stream().filter(DropReason.SLOW_SENDER::equals).count() == 2);
        assertEquals(2, drops.size(), drops::toString);
    }

    @Test
    void otherPathsGet404AndAreCounted() throws Exception {
        InetSocketAddress at = bind();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + at.getPort() + "/elsewhere")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode());
        await().atMost(Duration.ofSeconds(10)).until(() -> drops.contains(DropReason.MALFORMED));
    }

    @Test
    void anOversizedSendFailsItsFutureAndOneInLimitArrives() throws Exception {
        InetSocketAddress at = bind();
        ExecutionException tooBig = assertThrows(ExecutionException.class,
                () -> transport.sendFrame(at, ByteBuffer.wrap(new byte[MAX_FRAME + 1])).get(10, TimeUnit.SECONDS));
        assertTrue(tooBig.getCause().getMessage().contains("maxFrameSize"), tooBig.getCause()::getMessage);
        for (int i = 0; i < 3; i++) {
            transport.sendFrame(at, ByteBuffer.wrap(new byte[] {(byte) i})).get(10, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 3);
        assertEquals(List.of(0, 1, 2), frames.stream().map(b -> (int) b[0]).toList(), "in order");
    }
}
