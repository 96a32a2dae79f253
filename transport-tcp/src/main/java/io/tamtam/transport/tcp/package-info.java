/**
 * TamTam's TCP {@link io.tamtam.spi.StreamTransport} on Netty: pooled frame connections and dedicated
 * byte streams. The wire format is documented on {@link io.tamtam.transport.tcp.TcpTransport}.
 */
package io.tamtam.transport.tcp;
