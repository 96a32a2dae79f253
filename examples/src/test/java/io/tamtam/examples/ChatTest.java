package io.tamtam.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatTest {

    @Test
    void aLineTypedInOneChatAppearsInTheOther() throws Exception {
        ByteArrayOutputStream aliceBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream bobBytes = new ByteArrayOutputStream();
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        try (PrintStream aliceOut = new PrintStream(aliceBytes, true, StandardCharsets.UTF_8);
             PrintStream bobOut = new PrintStream(bobBytes, true, StandardCharsets.UTF_8);
             Chat alice = Chat.start(loopback, null, "alice", aliceOut)) {
            try (Chat bob = Chat.start(loopback, alice.address(), "bob", bobOut)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> text(aliceBytes).contains("* bob joined"));

                bob.type(new ByteArrayInputStream("hello alice\n".getBytes(StandardCharsets.UTF_8)));
                await().atMost(Duration.ofSeconds(10)).until(() -> text(aliceBytes).contains("bob: hello alice"));

                alice.type(new ByteArrayInputStream("hi bob\n".getBytes(StandardCharsets.UTF_8)));
                await().atMost(Duration.ofSeconds(10)).until(() -> text(bobBytes).contains("alice: hi bob"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> text(aliceBytes).contains("* bob left"));
        }
    }

    @Test
    void runPrintsWhereTheChatListensAndEndsAtEndOfInput() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Chat.run(new String[] {"--port", "0", "--name", "carol"},
                    new ByteArrayInputStream("nobody hears this\n".getBytes(StandardCharsets.UTF_8)), out);
        }
        String printed = text(bytes);
        assertTrue(printed.startsWith("* carol on 127.0.0.1:"), printed);
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
