package io.tamtam.transport.websocket;

import io.netty.channel.EventLoopGroup;
import io.tamtam.transport.tcp.TlsConfig;
import java.util.Objects;

/**
 * Settings of the WebSocket transport that the cluster configuration does not carry.
 *
 * @param path  the HTTP path every node serves the WebSocket endpoint on and connects to, starting with
 *              {@code /}; a reverse proxy in front of a node forwards this path
 * @param tls   the node's certificate and the CA it trusts for {@code wss://} with mutual TLS, or
 *              {@code null} for plain {@code ws://}
 * @param group an event loop group the caller owns and shuts down after closing the transport, or
 *              {@code null} for the JVM-wide shared group
 */
public record WebSocketConfig(String path, TlsConfig tls, EventLoopGroup group) {

    /** The default path: {@value}. */
    public static final String DEFAULT_PATH = "/tamtam";

    /** Checks the path. */
    public WebSocketConfig {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.contains(" ")) {
            throw new IllegalArgumentException("path must start with / and hold no query, fragment or space, not \""
                    + path + "\"");
        }
    }

    /** @return plain {@code ws://} on {@link #DEFAULT_PATH}, on the shared event loop group */
    public static WebSocketConfig defaults() {
        return new WebSocketConfig(DEFAULT_PATH, null, null);
    }

    /**
     * @param v the path
     * @return a copy with the path replaced
     */
    public WebSocketConfig withPath(String v) {
        return new WebSocketConfig(v, tls, group);
    }

    /**
     * @param v the TLS configuration, or {@code null} for plain {@code ws://}
     * @return a copy speaking {@code wss://}
     */
    public WebSocketConfig withTls(TlsConfig v) {
        return new WebSocketConfig(path, v, group);
    }

    /** @return {@code "wss"} with TLS, {@code "ws"} without */
    public String scheme() {
        return tls == null ? "ws" : "wss";
    }
}
