package io.tamtam.transport.websocket;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Connections of the JDK's WebSocket client to a transport, as a foreign peer would open them. */
final class JdkClients {

    private JdkClients() {
    }

    /**
     * Opens a frame connection that records how it ended.
     *
     * @param http   the client
     * @param at     the transport's address
     * @param closed completed with the close status, or -1 on an error
     * @return the open connection
     * @throws Exception when it does not open within 10 seconds
     */
    static WebSocket frames(HttpClient http, InetSocketAddress at, CompletableFuture<Integer> closed) throws Exception {
        return http.newWebSocketBuilder().subprotocols(WebSocketTransport.FRAMES)
                .buildAsync(URI.create("ws://127.0.0.1:" + at.getPort() + WebSocketConfig.DEFAULT_PATH),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                                closed.complete(statusCode);
                                return null;
                            }

                            @Override
                            public void onError(WebSocket webSocket, Throwable error) {
                                closed.complete(-1);
                            }
                        }).get(10, TimeUnit.SECONDS);
    }
}
