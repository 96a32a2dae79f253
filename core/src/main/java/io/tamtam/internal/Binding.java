package io.tamtam.internal;

import io.tamtam.spi.DatagramTransport;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Collections;

/**
 * A node's two bound transports, on one port number: the stream path is bound first, then the datagram
 * path on the same port; with port 0, a port whose datagram side is taken is given up and another tried.
 *
 * @param streams   the bound stream transport
 * @param datagrams the bound datagram transport
 * @param bound     the address both are bound to
 */
record Binding(StreamTransport streams, DatagramTransport datagrams, InetSocketAddress bound) {
    private static final int ATTEMPTS = 8;

    static Binding bind(Plugins plugins, TransportOptions options, InetSocketAddress address,
                        StreamTransport.Listener streamListener, DatagramTransport.Listener datagramListener)
            throws IOException {
        IOException lastFailure = null;
        InetSocketAddress bound = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            StreamTransport st = plugins.streams().create(options);
            try {
                bound = st.bind(address, streamListener);
            } catch (IOException e) {
                st.close();
                throw new IOException("cannot bind the stream transport to " + address + ": " + e.getMessage(), e);
            }
            DatagramTransport dt = plugins.datagrams().create(options);
            try {
                dt.bind(bound, datagramListener);
                return new Binding(st, dt, bound);
            } catch (IOException e) {
                dt.close();
                st.close();
                lastFailure = e;
                if (address.getPort() != 0) {
                    break;
                }
            }
        }
        throw new IOException("cannot bind the datagram transport to the stream transport's port "
                + (bound == null ? "" : bound.getPort()) + ": " + (lastFailure == null ? "" : lastFailure.getMessage()),
                lastFailure);
    }

    /**
     * @param advertise the configured advertise address, or null
     * @return the address to announce: the configured one, the bound one, or for a wildcard bind the
     *         first IPv4 address of an interface that is up and not loopback (loopback if none)
     */
    InetSocketAddress advertised(InetSocketAddress advertise) {
        if (advertise != null) {
            return advertise;
        }
        if (!bound.getAddress().isAnyLocalAddress()) {
            return bound;
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        return new InetSocketAddress(a, bound.getPort());
                    }
                }
            }
        } catch (IOException e) {
            // fall through to loopback
        }
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort());
    }
}
