package io.tamtam.examples;

import io.tamtam.query.QuerySummary;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceExamplesTest {

    @Test
    void theRegistryDemoDeliversHeldMessagesToTheRestartedInstanceInOrder() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> handled;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            handled = ServiceRegistryDemo.run(out);
        }
        assertEquals(List.of("charge 1", "charge 2", "charge 3", "charge 4", "charge 5"), handled);
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("invoice for #1") && printed.contains("order #1 placed"), printed);
        assertTrue(printed.contains("held while billing is down: 5"), printed);
    }

    @Test
    void theQueryExampleHearsFromTheTwoNodesOfItsZone() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        QuerySummary s;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            s = QueryExample.run(out);
        }
        assertEquals(2, s.responses().size());
        assertEquals(0, s.missing().size());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("summary: 2 acked, 2 answered, 0 missing"));
    }
}
