package io.tamtam.faults;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a time bound. */
final class Sh {

    /** What a command printed and how it ended. */
    record Result(int exitCode, String out) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Sh() {
    }

    /** @return the command's exit code and its stdout and stderr together; exit code -1 when it could not run or took over 30 s */
    static Result run(List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, e.toString());
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // the command reads no input
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + command);
            }
            return new Result(p.exitValue(), output.get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            p.destroyForcibly();
            return new Result(-1, e.toString());
        }
    }

    static Result run(String... command) {
        return run(List.of(command));
    }

    /** Runs the command and throws when it fails. */
    static String check(String... command) {
        Result r = run(command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exitCode() + "): " + r.out());
        }
        return r.out();
    }

    /**
     * Starts {@code command} with its stdout and stderr going to {@code output} (a file, not a pipe, so
     * nothing it printed just before it ended is lost).
     */
    static Process start(List<String> command, Path output) throws IOException {
        Files.createDirectories(output.getParent());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** @return the lines of a file, none when it does not exist or cannot be read */
    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
