package io.tamtam.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportExamplesTest {

    @Test
    void webSocketClusterFormsAndBroadcasts() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(2, WebSocketCluster.run(3, out));
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("members seen by node 0: 3"), printed);
    }

    @Test
    void tlsClusterForms() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(3, TlsCluster.run(3, out));
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("over mutual TLS: 3"), printed);
    }
}
