package io.tamtam.transport.tcp;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates a development certificate authority and node certificates signed by it, as PEM files, for
 * {@link TlsConfig}: one call sets up mutual TLS for a test or a local cluster. Keys are ECDSA P-256;
 * certificates are X.509 v3, each node certificate valid for both server and client authentication and
 * naming its hosts as subject alternative names (IP addresses as IP names, anything else as DNS names).
 * Not for production: the CA key is written next to the certificates, unencrypted.
 */
public final class DevCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The files of one certificate: the certificate (PEM) and its private key (PEM, PKCS#8). */
    public record CertFiles(Path certificate, Path privateKey) {
    }

    /**
     * A development CA and the node certificates it signed.
     *
     * @param directory where the files are
     * @param ca        the CA's certificate and key
     * @param nodes     each node name's certificate and key, in the order given
     */
    public record CertSet(Path directory, CertFiles ca, Map<String, CertFiles> nodes) {
        /**
         * @param node a node name given to {@link #generate}
         * @return a TLS configuration for that node, trusting the CA
         * @throws IOException when the files cannot be read
         */
        public TlsConfig tlsConfig(String node) throws IOException {
            return tlsBuilder(node).build();
        }

        /**
         * @param node a node name given to {@link #generate}
         * @return a TLS configuration builder for that node, trusting the CA
         */
        public TlsConfig.Builder tlsBuilder(String node) {
            CertFiles f = nodes.get(node);
            if (f == null) {
                throw new IllegalArgumentException("no certificate for " + node + "; the set has " + nodes.keySet());
            }
            return TlsConfig.builder(f.certificate(), f.privateKey(), ca.certificate());
        }
    }

    private final KeyPair caKeys;
    private final X509Certificate caCert;

    private DevCertificates(KeyPair caKeys, X509Certificate caCert) {
        this.caKeys = caKeys;
        this.caCert = caCert;
    }

    /**
     * Creates a CA and one certificate per node in {@code directory} ({@code ca.pem}, {@code ca.key},
     * {@code node-N.pem}, {@code node-N.key}, N from 0), each node certificate naming its host and valid
     * for {@code validity} from now.
     *
     * @param directory where to write; created if missing
     * @param validity  how long the certificates are valid
     * @param hosts     one host (IP address or DNS name) per node; its certificate names it
     * @return the files written
     * @throws IOException when the files cannot be written
     */
    public static CertSet generate(Path directory, Duration validity, String... hosts) throws IOException {
        DevCertificates ca = newAuthority("TamTam development CA", validity);
        Files.createDirectories(directory);
        CertFiles caFiles = new CertFiles(directory.resolve("ca.pem"), directory.resolve("ca.key"));
        writePem(caFiles.certificate(), ca.caCert);
        writePem(caFiles.privateKey(), ca.caKeys.getPrivate());
        Map<String, CertFiles> nodes = new LinkedHashMap<>();
        for (int i = 0; i < hosts.length; i++) {
            String name = "node-" + i;
            CertFiles f = new CertFiles(directory.resolve(name + ".pem"), directory.resolve(name + ".key"));
            ca.issue(f, name, Instant.now().minusSeconds(60), Instant.now().plus(validity), hosts[i]);
            nodes.put(name, f);
        }
        return new CertSet(directory, caFiles, nodes);
    }

    /**
     * @param commonName the CA's name
     * @param validity   how long its certificate is valid from now
     * @return a new CA, in memory
     */
    public static DevCertificates newAuthority(String commonName, Duration validity) {
        try {
            KeyPair keys = newKeyPair();
            X500Name name = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), name, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new DevCertificates(keys, sign(b, keys.getPrivate()));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create a development CA: " + e.getMessage(), e);
        }
    }

    /**
     * @param set a set {@link #generate} wrote
     * @return its CA, read back from {@code ca.pem} and {@code ca.key}, to issue more certificates
     * @throws IOException when the files cannot be read
     */
    public static DevCertificates load(CertSet set) throws IOException {
        X509Certificate cert = TlsConfig.readCertificates(set.ca().certificate())[0];
        PrivateKey key = TlsConfig.readPrivateKey(set.ca().privateKey());
        return new DevCertificates(new KeyPair(cert.getPublicKey(), key), cert);
    }

    /** @return the CA's certificate */
    public X509Certificate certificate() {
        return caCert;
    }

    /**
     * @param file where to write the CA's certificate as PEM
     * @throws IOException when it cannot be written
     */
    public void writeCertificate(Path file) throws IOException {
        writePem(file, caCert);
    }

    /**
     * Issues a node certificate signed by this CA and writes it and its key atomically (each written to a
     * temporary file, then moved over the target, so a {@link TlsConfig} reload never reads half a file).
     *
     * @param files      where to write
     * @param commonName the certificate's subject name
     * @param notBefore  start of validity
     * @param notAfter   end of validity (in the past for an expired certificate)
     * @param hosts      the hosts (IP addresses or DNS names) the certificate names
     * @throws IOException when the files cannot be written
     */
    public void issue(CertFiles files, String commonName, Instant notBefore, Instant notAfter, String... hosts)
            throws IOException {
        try {
            KeyPair keys = newKeyPair();
            List<GeneralName> names = new ArrayList<>();
            for (String h : hosts) {
                names.add(isIpLiteral(h) ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(h).getHostAddress())
                        : new GeneralName(GeneralName.dNSName, h));
            }
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Name("CN=" + commonName), keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(new GeneralName[0])));
            }
            X509Certificate cert = sign(b, caKeys.getPrivate());
            writePem(files.privateKey(), keys.getPrivate());
            writePem(files.certificate(), cert);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static void writePem(Path file, Object o) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII);
                 JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
