package io.tamtam.agent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent is built on TamTam's public API: none of its classes (the ones its jar holds) refers to
 * {@code io.tamtam.internal}. A class file names every class it uses in its constant pool, so a
 * reference shows there as {@code io/tamtam/internal/}.
 */
class PublicApiOnlyTest {

    @Test
    void noClassOrSourceOfTheAgentRefersToInternalPackages() throws IOException {
        Path classes = Path.of("target", "classes", "io", "tamtam");
        List<Path> classFiles;
        try (Stream<Path> s = Files.walk(classes)) {
            classFiles = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertTrue(classFiles.size() > 20, "compiled agent classes expected under " + classes);
        byte[] needle = "io/tamtam/internal".getBytes(StandardCharsets.UTF_8);
        List<Path> offenders = classFiles.stream().filter(p -> contains(read(p), needle)).toList();
        assertEquals(List.of(), offenders);

        // the check itself finds such a reference when there is one
        assertTrue(contains(("#Lio/tamtam/internal/ClusterNode;").getBytes(StandardCharsets.UTF_8), needle));

        List<Path> sources;
        try (Stream<Path> s = Files.walk(Path.of("src", "main", "java"))) {
            sources = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertEquals(List.of(), sources.stream().filter(p -> new String(read(p), StandardCharsets.UTF_8).contains("io.tamtam.internal")).toList());
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
