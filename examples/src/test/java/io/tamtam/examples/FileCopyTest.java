package io.tamtam.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileCopyTest {

    @Test
    void copiesAFiveMebibyteFileAsATransferAndASecondSendIsANoOp(@TempDir Path source, @TempDir Path target) throws Exception {
        byte[] content = new byte[5 * 1024 * 1024];
        new Random(42).nextBytes(content);
        Path file = Files.write(source.resolve("random.bin"), content);
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);

        ByteArrayOutputStream serverBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream senderBytes = new ByteArrayOutputStream();
        try (PrintStream serverOut = new PrintStream(serverBytes, true, StandardCharsets.UTF_8);
             PrintStream senderOut = new PrintStream(senderBytes, true, StandardCharsets.UTF_8);
             FileCopy.Server server = FileCopy.serve(loopback, target, serverOut)) {
            FileCopy.Result result = FileCopy.send(loopback, server.address(), file, senderOut);

            assertTrue(result.verified(), "checksum verified by the server");
            assertEquals(content.length, result.bytes());
            assertArrayEquals(content, Files.readAllBytes(target.resolve("random.bin")));
            assertTrue(senderBytes.toString(StandardCharsets.UTF_8).contains("verified by the server"));
            FileCopy.Result again = FileCopy.send(loopback, server.address(), file, senderOut);
            assertTrue(again.verified());
            assertTrue(senderBytes.toString(StandardCharsets.UTF_8).contains("already copied before"));
        }
    }
}
