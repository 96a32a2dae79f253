package io.tamtam.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoTest {

    @Test
    void demoNarratesConvergenceCrashAndLeave() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Demo.run(4, out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        for (String expected : new String[] {
                "converged: every node sees 4 alive members",
                "metadata role=cache of node-2 seen by all 3 others",
                "broadcast from node-1 received by all 3 others",
                "node-4 DEAD at all 3 survivors",
                "node-3 LEFT seen by all 2 remaining nodes",
                "done: all nodes closed"}) {
            assertTrue(printed.contains(expected), "expected '" + expected + "' in:\n" + printed);
        }
    }
}
