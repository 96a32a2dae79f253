/**
 * Fault injection over real transports: wrap the UDP and TCP transports (or any
 * {@link io.tamtam.spi.DatagramTransport.Factory} and {@link io.tamtam.spi.StreamTransport.Factory}) of
 * the nodes of a test with one {@link io.tamtam.testkit.faults.FaultInjector}, then freeze, disconnect or
 * partition nodes, lose or delay their packets, and heal, while the nodes run on real sockets.
 */
package io.tamtam.testkit.faults;
