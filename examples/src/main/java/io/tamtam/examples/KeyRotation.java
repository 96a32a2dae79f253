package io.tamtam.examples;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.Keyring;
import io.tamtam.KeyringReport;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Live key rotation: three encrypted nodes on loopback switch from one key to another without downtime
 * (install, use, remove), printing each step's report. Finishes in seconds.
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=KeyRotation
 * </pre>
 */
public final class KeyRotation {

    private KeyRotation() {
    }

    /**
     * Runs the example.
     *
     * @param out where to print the reports
     * @return the last report (every node holds only the new key)
     * @throws Exception when a node cannot start, join or answer
     */
    public static KeyringReport run(PrintStream out) throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] oldKey = new byte[32];
        byte[] newKey = new byte[32];
        random.nextBytes(oldKey);
        random.nextBytes(newKey);
        List<Cluster> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(Cluster.create(ClusterConfig.local().encryptionKeys(oldKey).build()));
            }
            for (Cluster c : nodes.subList(1, 3)) {
                c.join(nodes.get(0).localNode().address()).get(10, TimeUnit.SECONDS);
            }
            out.println("old key " + Keyring.fingerprint(oldKey) + ", new key " + Keyring.fingerprint(newKey));
            // tag::rotate[]
            Keyring keyring = nodes.get(0).keyring();
            out.println("install: " + keyring.install(newKey).get(30, TimeUnit.SECONDS).holders());
            out.println("use:     " + keyring.use(newKey).get(30, TimeUnit.SECONDS).holders());
            KeyringReport report = keyring.remove(oldKey).get(30, TimeUnit.SECONDS);
            // end::rotate[]
            out.println("remove:  " + report.holders() + (report.complete() ? ", every node acknowledged" : ", failed: " + report.failed()));
            return report;
        } finally {
            nodes.forEach(Cluster::close);
        }
    }

    /** @param args none */
    public static void main(String[] args) throws Exception {
        run(new PrintStream(System.out, true, StandardCharsets.UTF_8));
    }
}
