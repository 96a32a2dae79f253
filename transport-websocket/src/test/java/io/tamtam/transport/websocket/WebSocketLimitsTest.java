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
    void aMessageSplitIntoFragmentsAboveTheLimitIsRefusedWithStatus1009() throws Exception {
        InetSocketAddress at = bind();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = JdkClients.frames(http, at, closed);
        ws.sendBinary(ByteBuffer.wrap(new byte[MAX_FRAME / 2]), false).get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[MAX_FRAME / 2]), false).get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[16]), true);
        await().atMost(Duration.ofSeconds(10)).until(() -> drops.contains(DropReason.OVERSIZED));
        assertEquals(1009, closed.get(10, TimeUnit.SECONDS), "closed as too big");
        assertTrue(frames.isEmpty());
    }

    /** @return the status code the node answers {@code request} with, having read to the end (it closed) */
    private static int refusal(InetSocketAddress at, String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(at, 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] answer = socket.getInputStream().readAllBytes(); // to the end: the node closes
            String text = new String(answer, java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("HTTP/1.1 "), text);
            return Integer.parseInt(text.substring(9, 12));
        }
    }

    @Test
    void everyRefusedUpgradeIsAnsweredCountedAndClosed() throws Exception {
        InetSocketAddress at = bind();
        String upgrade = "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Protocol: " + WebSocketTransport.FRAMES + "\r\n";
        String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        assertEquals(426, refusal(at, "GET /tamtam HTTP/1.1\r\n" + upgrade + key + "Sec-WebSocket-Version: 99\r\n\r\n"),
                "an unsupported version");
        assertEquals(400, refusal(at, "GET /tamtam HTTP/1.1\r\n" + upgrade + "Sec-WebSocket-Version: 13\r\n\r\n"),
                "no key");
        assertEquals(400, refusal(at, "POST /tamtam HTTP/1.1\r\n" + upgrade + key + "Sec-WebSocket-Version: 13\r\n\r\n"),
                "not a GET");
        assertEquals(413, refusal(at, "GET /tamtam HTTP/1.1\r\n" + upgrade + key + "Sec-WebSocket-Version: 13\r\n"
                + "Content-Length: 100000\r\n\r\n"), "a body over 8 KiB");
        assertEquals(404, refusal(at, "GET /elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), "another path");
        await().atMost(Duration.ofSeconds(10)).until(() -> drops.size() >= 5);
        assertEquals(List.of(DropReason.MALFORMED, DropReason.MALFORMED, DropReason.MALFORMED, DropReason.OVERSIZED,
                DropReason.MALFORMED), List.copyOf(drops), "each refusal counted once");
        assertTrue(frames.isEmpty());
    }

    @Test
    void aConnectionWhoseListenerThrowsErrorsIsClosed() throws Exception {
        WebSocketTransport failing = new WebSocketTransport(new TransportOptions(1400, MAX_FRAME, Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(5)), WebSocketConfig.defaults());
        try {
            InetSocketAddress at = failing.bind(new InetSocketAddress("127.0.0.1", 0), new StreamTransport.Listener() {
                @Override
                public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
                    throw new InternalError("the frame listener fails");
                }

                @Override
                public void onStream(io.tamtam.spi.StreamChannel stream) {
                    stream.close();
                }

                @Override
                public void onDropped(InetSocketAddress remote, DropReason reason) {
                }

                @Override
                public void onFailure(String context, Throwable error) {
                    throw new InternalError("the failure listener fails too");
                }
            });
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            WebSocket ws = JdkClients.frames(http, at, closed);
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1}), true).get(10, TimeUnit.SECONDS);
            closed.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> failing.openInboundConnections() == 0);
        } finally {
            failing.close();
        }
    }

    @Test
    void anAcceptedFrameConnectionSilentForTwiceTheIdleTimeoutIsClosedUncounted() throws Exception {
        WebSocketTransport idle = new WebSocketTransport(new TransportOptions(1400, MAX_FRAME, Duration.ofSeconds(5),
                Duration.ofMillis(300), Duration.ofSeconds(5)), WebSocketConfig.defaults());
        try {
            InetSocketAddress at = idle.bind(new InetSocketAddress("127.0.0.1", 0), recorded);
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            WebSocket ws = JdkClients.frames(http, at, closed);
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1}), true).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 1);
            closed.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> idle.openInboundConnections() == 0);
            assertTrue(drops.isEmpty(), drops::toString);
        } finally {
            idle.close();
        }
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
