package io.tamtam.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedStateTest {

    @Test
    void everyNodeEndsUpWithTheOthersLatestLoads() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> views;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            views = SharedState.run(out);
        }
        assertEquals(List.of(
                "node-0 sees [node-1=99, node-2=20]",
                "node-1 sees [node-0=0, node-2=20]",
                "node-2 sees [node-0=0, node-1=99]"), views);
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("node-0 sees [node-1=10, node-2=20]"), printed);
    }
}
