package io.tamtam.examples;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/** Command-line options of the form {@code --name value}, shared by the examples. */
final class Args {

    private final Map<String, String> options = new HashMap<>();

    private Args() {
    }

    /**
     * @param args    the command line
     * @param from    index of the first option
     * @return the options
     * @throws IllegalArgumentException when an option has no value or does not start with {@code --}
     */
    static Args parse(String[] args, int from) {
        Args parsed = new Args();
        for (int i = from; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected '--option value' at '" + args[i] + "'");
            }
            parsed.options.put(args[i].substring(2), args[i + 1]);
        }
        return parsed;
    }

    /**
     * @param name an option name without dashes
     * @return its value
     * @throws IllegalArgumentException when it is missing
     */
    String required(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing option --" + name);
        }
        return value;
    }

    /**
     * @param name     an option name without dashes
     * @param fallback the value when it is missing
     * @return its value
     */
    String optional(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /**
     * @param hostPort {@code host:port}
     * @return the socket address
     * @throws IllegalArgumentException when it is not {@code host:port}
     */
    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected host:port, got '" + hostPort + "'");
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /**
     * @param address a socket address
     * @return {@code host:port}, the form {@link #address} parses
     */
    static String format(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
