package io.tamtam.benchmarks.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the named workloads (W1 to W5 when none are named; W6, W7 and threads when named) and prints one
 * JSON object per result line on standard output. {@code --runs K} (or the environment variable RUNS)
 * repeats W1 and W2 (W2 then also emits its worst run's p50 and max); W6_N and THREADS_N set the node
 * counts of W6 (1000) and threads (64).
 */
public final class Workloads {
    /** Write and read chunk for the large-transfer workloads. */
    static final int CHUNK = 256 * 1024;

    private Workloads() {
    }

    /**
     * @param args workload names and options
     * @throws Exception when a workload fails; the message says which and why
     */
    public static void main(String[] args) throws Exception {
        List<String> names = new ArrayList<>();
        String env = System.getenv("RUNS");
        int runs = env == null || env.isBlank() ? 1 : Integer.parseInt(env.trim());
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runs") && i + 1 < args.length) {
                runs = Integer.parseInt(args[++i]);
            } else {
                names.add(args[i].toUpperCase(Locale.ROOT));
            }
        }
        if (names.isEmpty()) {
            names = List.of("W1", "W2", "W3", "W4", "W5");
        }
        for (String name : names) {
            long t0 = System.nanoTime();
            Results.log("starting " + name);
            switch (name) {
                case "W1" -> JoinConvergence.run(runs);
                case "W2" -> BroadcastLatency.run(runs);
                case "W3" -> FailureDetection.run();
                case "W4" -> Messaging.run();
                case "W5" -> LargeTransfer.run();
                case "W6" -> ScaleOut.run(intEnv("W6_N", 1000));
                case "W7" -> FileTransfer.run();
                case "THREADS" -> ScaleOut.threads(intEnv("THREADS_N", 64));
                default -> throw new IllegalArgumentException(
                        "unknown workload " + name + "; use W1, W2, W3, W4, W5, W6, W7 or threads");
            }
            Results.log(name + " done in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
        System.exit(0);
    }

    private static int intEnv(String name, int orElse) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? orElse : Integer.parseInt(v.trim());
    }
}
