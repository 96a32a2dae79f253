/**
 * TamTam's UDP {@link io.tamtam.spi.DatagramTransport} on Netty, and the event loop group lease that
 * TamTam's Netty transports share.
 */
package io.tamtam.transport.udp;
