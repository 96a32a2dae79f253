package io.tamtam.agent;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** host:port parsing and printing ({@code [v6]:port} for IPv6). */
final class Addresses {
    private Addresses() {
    }

    /**
     * @param text host:port or [v6]:port
     * @param what what the address is for, in the error message
     * @return the address, resolved
     * @throws IllegalArgumentException with a message naming the address when malformed
     */
    static InetSocketAddress parse(String text, String what) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException(what + " '" + text + "' is not host:port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "': port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " '" + text + "': port is not in 0..65535");
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException(what + " '" + text + "': host '" + host + "' does not resolve");
        }
        return a;
    }

    static String format(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        String host = ip == null ? a.getHostString() : ip.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
