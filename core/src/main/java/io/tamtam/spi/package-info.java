/**
 * Extension points of TamTam: transports, payload codecs, compression, encryption, seed discovery,
 * and the clock and scheduler the protocol runs on.
 *
 * <p>Each SPI is a small interface with a stated lifecycle and threading contract. Codecs, compressors
 * and ciphers are found with {@link java.util.ServiceLoader} when the matching module is on the class
 * path; {@link io.tamtam.ClusterConfig.Builder} overrides the choice programmatically.
 * {@link io.tamtam.spi.Transports} gives the transport factories a cluster uses by default.
 */
package io.tamtam.spi;
