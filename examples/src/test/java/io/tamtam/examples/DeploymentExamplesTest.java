package io.tamtam.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the examples of the deployment features: cluster labels, key rotation, DNS discovery, snapshot and rejoin. */
class DeploymentExamplesTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void clusterLabelsKeepTheGreenNodeOut() throws Exception {
        assertTrue(ClusterLabels.run(out) > 0, printed());
        assertTrue(printed().contains("green refused"), printed());
        assertTrue(printed().contains("blue has 2 members, green 1"), printed());
    }

    @Test
    void keyRotationEndsWithEveryNodeHoldingOnlyTheNewKey() throws Exception {
        io.tamtam.KeyringReport report = KeyRotation.run(out);
        assertTrue(report.complete(), printed());
        assertEquals(1, report.holders().size(), printed());
        assertEquals(3, report.holders().values().iterator().next(), printed());
    }

    @Test
    void dnsJoinFindsTheFirstNodeThroughLocalhost() throws Exception {
        assertEquals(2, DnsJoin.demo(out), printed());
    }

    @Test
    void snapshotRejoinReassemblesWithoutSeeds() throws Exception {
        assertTrue(SnapshotRejoin.run(out) >= 0, printed());
        assertTrue(printed().contains("whole again after"), printed());
    }
}
