package io.tamtam;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One address a node can be reached at, with the scheme of the transport that listens there:
 * {@code udp+tcp://host:port} (the UDP datagram and TCP stream transports), {@code ws://host:port/path}
 * or {@code wss://host:port/path} (the WebSocket transport). Other schemes of the form
 * {@code [a-z][a-z0-9+.-]*} are kept as they are, so that a node can carry addresses of transports it
 * does not have itself. The host is kept as written: nothing is resolved.
 *
 * @param scheme the scheme, lower case
 * @param host   the host name or IP literal, without brackets
 * @param port   the port, 0 to 65535 (0 only in a node's placeholder before it is bound)
 * @param path   the path, empty or starting with {@code /}
 */
public record NodeAddress(String scheme, String host, int port, String path) {
    /** The UDP datagram and TCP stream transports at one host and port. */
    public static final String UDP_TCP = "udp+tcp";
    /** The WebSocket transport, plain. */
    public static final String WS = "ws";
    /** The WebSocket transport over TLS. */
    public static final String WSS = "wss";
    /** The longest text form, in UTF-8 bytes: it travels in a u8-prefixed string. */
    public static final int MAX_TEXT_BYTES = 255;

    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]{0,15}");

    /**
     * @throws IllegalArgumentException when a part is invalid; the message says which
     */
    public NodeAddress {
        if (scheme == null || !SCHEME.matcher(scheme).matches()) {
            throw new IllegalArgumentException("scheme '" + scheme + "' is not [a-z][a-z0-9+.-]{0,15}; use udp+tcp, ws or wss");
        }
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("an address needs a host, e.g. ws://10.0.0.1:8080/tamtam");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 0 to 65535");
        }
        if (path == null || !(path.isEmpty() || path.startsWith("/"))) {
            throw new IllegalArgumentException("path '" + path + "' must be empty or start with /");
        }
        if (UDP_TCP.equals(scheme) && !path.isEmpty()) {
            throw new IllegalArgumentException("a udp+tcp address has no path: " + path);
        }
        int len = text(scheme, host, port, path).getBytes(StandardCharsets.UTF_8).length;
        if (len > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("address of " + len + " bytes exceeds " + MAX_TEXT_BYTES + "; shorten the host or path");
        }
    }

    /**
     * @param address a socket address
     * @return that address as {@code udp+tcp://host:port}, the host as an IP literal when resolved
     */
    public static NodeAddress udpTcp(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        int zone = host.indexOf('%');
        return new NodeAddress(UDP_TCP, zone < 0 ? host : host.substring(0, zone), address.getPort(), "");
    }

    /**
     * @param text {@code scheme://host:port[/path]}; an IPv6 host in brackets
     * @return the address
     * @throws IllegalArgumentException when the text is not such an address; the message says why
     */
    public static NodeAddress parse(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an address '" + text + "': " + e.getMessage()
                    + "; write scheme://host:port[/path], e.g. ws://10.0.0.1:8080/tamtam");
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getPort() < 0 || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("not an address '" + text
                    + "': write scheme://host:port[/path] with no user, query or fragment, e.g. ws://10.0.0.1:8080/tamtam");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return new NodeAddress(uri.getScheme().toLowerCase(Locale.ROOT), host, uri.getPort(), path);
    }

    /** @return the host and port, unresolved; resolving is left to the transport */
    public InetSocketAddress socketAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** @return {@code scheme://host:port/path}, which {@link #parse} reads back */
    @Override
    public String toString() {
        return text(scheme, host, port, path);
    }

    private static String text(String scheme, String host, int port, String path) {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return scheme + "://" + h + ":" + port + path;
    }
}
