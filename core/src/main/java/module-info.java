/**
 * TamTam core: the API ({@code io.tamtam}), the extension points ({@code io.tamtam.spi}) and the
 * protocol, whose {@code io.tamtam.internal} packages are not exported.
 */
module io.tamtam.core {
    requires org.slf4j;

    exports io.tamtam;
    exports io.tamtam.spi;
    exports io.tamtam.services;
    exports io.tamtam.status;
    exports io.tamtam.query;
    exports io.tamtam.routing;
    exports io.tamtam.transfer;

    uses io.tamtam.spi.Codec;
    uses io.tamtam.spi.Compressor;
    uses io.tamtam.spi.CipherFactory;
    uses io.tamtam.spi.DatagramTransport.Factory;
    uses io.tamtam.spi.StreamTransport.Factory;
}
