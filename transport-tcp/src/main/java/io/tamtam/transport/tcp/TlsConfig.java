package io.tamtam.transport.tcp;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Mutual TLS for the stream transports (TCP and WebSocket): every node presents a certificate signed by
 * the cluster CA and accepts only peers whose certificate chains to it. Certificates and keys are read
 * from PEM files (a certificate chain, an unencrypted private key in PKCS#8 or PKCS#1/SEC1 form, and the
 * CA certificates to trust).
 *
 * <p>The connecting side also checks that the certificate of the node it connects to names the address
 * it connects to (an IP address or DNS subject alternative name, as HTTPS does), unless
 * {@link Builder#verifyHostname(boolean)} turned that off. A handshake that fails (untrusted, expired or
 * wrong-name certificate, a peer without TLS) closes the connection and is counted as
 * {@link io.tamtam.DropReason#TLS_REFUSED}.
 *
 * <p>Hot reload: before a connection is set up, when {@code reloadInterval} has passed since the last
 * check, the files' sizes and modification times are compared with those loaded; when they changed the
 * files are read again and later connections use the new certificate (connections already open keep the
 * session they have). A renewed file that cannot be read keeps the previous certificate and is tried
 * again at the next check; {@link #reloadFailures()} counts those.
 */
public final class TlsConfig {

    /** The TLS implementation. */
    public enum Engine {
        /**
         * OpenSSL when {@code netty-tcnative-boringssl-static} loads (it is a dependency of this module for
         * linux-x86_64), the JDK's engine otherwise. On loopback OpenSSL set up a mutual-TLS connection
         * 5 to 9 times faster and streamed 1.1 to 2.6 times the MB/s of the JDK engine (README, TLS).
         */
        AUTO,
        /** The JDK's {@code SSLEngine}. */
        JDK,
        /** OpenSSL through {@code netty-tcnative} (BoringSSL); needs it on the class path. */
        OPENSSL
    }

    private final Path certificateChain;
    private final Path privateKey;
    private final Path trustedCertificates;
    private final long reloadIntervalNanos;
    private final boolean verifyHostname;
    private final SslProvider provider;
    private final Object lock = new Object();
    private volatile Loaded loaded;
    private volatile long nextCheckNanos;
    private volatile long reloads;
    private volatile long reloadFailures;

    private record Loaded(SslContext server, SslContext client, List<Stamp> stamps) {
    }

    private record Stamp(long size, long modified) {
    }

    private TlsConfig(Builder b) throws IOException {
        this.certificateChain = b.certificateChain;
        this.privateKey = b.privateKey;
        this.trustedCertificates = b.trustedCertificates;
        this.reloadIntervalNanos = b.reloadInterval.toNanos();
        this.verifyHostname = b.verifyHostname;
        this.provider = b.engine == Engine.OPENSSL || b.engine == Engine.AUTO && io.netty.handler.ssl.OpenSsl.isAvailable()
                ? SslProvider.OPENSSL : SslProvider.JDK;
        this.loaded = load();
        this.nextCheckNanos = System.nanoTime() + reloadIntervalNanos;
    }

    /**
     * @param certificateChain    PEM file with this node's certificate first, then any intermediates
     * @param privateKey          PEM file with the certificate's private key, unencrypted
     * @param trustedCertificates PEM file with the CA certificate(s) peers' certificates must chain to
     * @return a builder with the other settings at their defaults
     */
    public static Builder builder(Path certificateChain, Path privateKey, Path trustedCertificates) {
        return new Builder(certificateChain, privateKey, trustedCertificates);
    }

    /**
     * @param certificateChain    PEM file with this node's certificate first, then any intermediates
     * @param privateKey          PEM file with the certificate's private key, unencrypted
     * @param trustedCertificates PEM file with the CA certificate(s) peers' certificates must chain to
     * @return the configuration, with hostname verification on, the {@link Engine#AUTO} engine and a 10 s
     *         reload check
     * @throws IOException when a file cannot be read or parsed
     */
    public static TlsConfig fromPem(Path certificateChain, Path privateKey, Path trustedCertificates)
            throws IOException {
        return builder(certificateChain, privateKey, trustedCertificates).build();
    }

    /**
     * A TLS handler for an accepted connection; requires the client's certificate.
     *
     * @param alloc the channel's allocator
     * @return a new handler, from the current (possibly reloaded) certificate
     */
    public SslHandler newServerHandler(ByteBufAllocator alloc) {
        return current().server().newHandler(alloc);
    }

    /**
     * A TLS handler for a connection this node opens.
     *
     * @param alloc the channel's allocator
     * @param peer  the address connected to; its certificate must name it when hostname verification is on
     * @return a new handler, from the current (possibly reloaded) certificate
     */
    public SslHandler newClientHandler(ByteBufAllocator alloc, InetSocketAddress peer) {
        String host = peer.getHostString();
        SslHandler handler = current().client().newHandler(alloc, host, peer.getPort());
        if (verifyHostname) {
            SSLEngine engine = handler.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
        }
        return handler;
    }

    /** @return the engine in use: {@link Engine#OPENSSL} or {@link Engine#JDK} */
    public Engine engine() {
        return provider == SslProvider.OPENSSL ? Engine.OPENSSL : Engine.JDK;
    }

    /** @return how many times renewed files were loaded since this configuration was built */
    public long reloads() {
        return reloads;
    }

    /** @return how many times changed files could not be loaded (the previous certificate stayed in use) */
    public long reloadFailures() {
        return reloadFailures;
    }

    /**
     * Checks the files now, whatever the reload interval, and loads them when they changed.
     *
     * @return whether a renewed certificate was loaded
     */
    public boolean reloadNow() {
        synchronized (lock) {
            nextCheckNanos = System.nanoTime() + reloadIntervalNanos;
            List<Stamp> now;
            try {
                now = stamps();
            } catch (IOException e) {
                reloadFailures++;
                return false;
            }
            if (now.equals(loaded.stamps())) {
                return false;
            }
            try {
                loaded = load();
                reloads++;
                return true;
            } catch (IOException | RuntimeException e) {
                reloadFailures++;
                return false;
            }
        }
    }

    private Loaded current() {
        if (System.nanoTime() - nextCheckNanos >= 0) {
            reloadNow();
        }
        return loaded;
    }

    private List<Stamp> stamps() throws IOException {
        List<Stamp> stamps = new ArrayList<>(3);
        for (Path p : List.of(certificateChain, privateKey, trustedCertificates)) {
            stamps.add(new Stamp(Files.size(p), Files.getLastModifiedTime(p).toMillis()));
        }
        return stamps;
    }

    private Loaded load() throws IOException {
        List<Stamp> stamps = stamps();
        X509Certificate[] chain = readCertificates(certificateChain);
        PrivateKey key = readPrivateKey(privateKey);
        X509Certificate[] trusted = readCertificates(trustedCertificates);
        SslContext server = SslContextBuilder.forServer(key, chain)
                .sslProvider(provider)
                .trustManager(trusted)
                .clientAuth(ClientAuth.REQUIRE)
                .build();
        SslContext client = SslContextBuilder.forClient()
                .sslProvider(provider)
                .keyManager(key, chain)
                .trustManager(trusted)
                .build();
        return new Loaded(server, client, stamps);
    }

    /**
     * @param file a PEM file
     * @return every certificate in it, in order
     * @throws IOException when it cannot be read, holds no certificate or holds something else
     */
    public static X509Certificate[] readCertificates(Path file) throws IOException {
        List<X509Certificate> certs = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (!(o instanceof X509CertificateHolder holder)) {
                    throw new IOException(file + " holds a " + o.getClass().getSimpleName()
                            + " where a CERTIFICATE was expected; give a PEM file of certificates");
                }
                certs.add(converter.getCertificate(holder));
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the certificates in " + file + ": " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certs.toArray(new X509Certificate[0]);
    }

    /**
     * @param file a PEM file with one unencrypted private key (PKCS#8, or PKCS#1 / SEC1 key pair)
     * @return the key
     * @throws IOException when it cannot be read or holds no supported key
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object o = parser.readObject();
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new IOException(file + " holds " + (o == null ? "no PEM object" : "a " + o.getClass().getSimpleName())
                    + " where an unencrypted PRIVATE KEY was expected (encrypted keys are not supported)");
        }
    }

    /** Settings of a {@link TlsConfig}. */
    public static final class Builder {
        private final Path certificateChain;
        private final Path privateKey;
        private final Path trustedCertificates;
        private Duration reloadInterval = Duration.ofSeconds(10);
        private boolean verifyHostname = true;
        private Engine engine = Engine.AUTO;

        private Builder(Path certificateChain, Path privateKey, Path trustedCertificates) {
            this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
            this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
            this.trustedCertificates = Objects.requireNonNull(trustedCertificates, "trustedCertificates");
        }

        /**
         * @param v how often, at most, the files are checked for a renewed certificate; 10 s by default
         * @return this
         */
        public Builder reloadInterval(Duration v) {
            if (v == null || v.isNegative()) {
                throw new IllegalArgumentException("reloadInterval must be zero or positive, not " + v);
            }
            reloadInterval = v;
            return this;
        }

        /**
         * @param v whether a connecting node checks that the peer's certificate names the address it
         *          connects to; on by default
         * @return this
         */
        public Builder verifyHostname(boolean v) {
            verifyHostname = v;
            return this;
        }

        /**
         * @param v the TLS implementation; {@link Engine#AUTO} by default
         * @return this
         */
        public Builder engine(Engine v) {
            engine = Objects.requireNonNull(v, "engine");
            return this;
        }

        /**
         * @return the configuration, with the files loaded
         * @throws IOException when a file cannot be read or parsed
         */
        public TlsConfig build() throws IOException {
            if (engine == Engine.OPENSSL && !io.netty.handler.ssl.OpenSsl.isAvailable()) {
                throw new IllegalStateException("the OPENSSL engine needs io.netty:netty-tcnative-boringssl-static "
                        + "on the class path (" + io.netty.handler.ssl.OpenSsl.unavailabilityCause() + "); use Engine.JDK");
            }
            return new TlsConfig(this);
        }
    }
}
