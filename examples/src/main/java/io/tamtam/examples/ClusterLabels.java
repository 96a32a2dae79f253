package io.tamtam.examples;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.DropReason;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Two clusters on one network that must never merge: a "blue" pair and a "green" node, all on loopback.
 * The green node tries to join through a blue node and is refused; the blue node counts its packets as
 * {@code LABEL_MISMATCH}. Finishes in a few seconds.
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=ClusterLabels
 * </pre>
 */
public final class ClusterLabels {

    private ClusterLabels() {
    }

    /**
     * Runs the example.
     *
     * @param out where to print what happens
     * @return the label mismatches the blue seed counted
     * @throws Exception when a node cannot start or the blue pair cannot join
     */
    public static long run(PrintStream out) throws Exception {
        // tag::label[]
        ClusterConfig.Builder blue = ClusterConfig.local().clusterLabel("blue");
        ClusterConfig.Builder green = ClusterConfig.local().clusterLabel("green").joinTimeout(Duration.ofSeconds(1));
        // end::label[]
        try (Cluster blue1 = Cluster.create(blue.build());
             Cluster blue2 = Cluster.create(blue.build());
             Cluster green1 = Cluster.create(green.build())) {
            blue2.join(blue1.localNode().address()).get(10, TimeUnit.SECONDS);
            out.println("blue: " + blue1.liveMembers().size() + " members");
            try {
                green1.join(blue1.localNode().address()).get(20, TimeUnit.SECONDS);
                out.println("green joined blue: this must not happen");
            } catch (ExecutionException e) {
                out.println("green refused: " + e.getCause().getMessage());
            }
            long dropped = blue1.stats().dropped(DropReason.LABEL_MISMATCH);
            out.println("blue seed dropped " + dropped + " packet(s) as LABEL_MISMATCH; blue has "
                    + blue1.liveMembers().size() + " members, green " + green1.liveMembers().size());
            return dropped;
        }
    }

    /** @param args none */
    public static void main(String[] args) throws Exception {
        run(new PrintStream(System.out, true, StandardCharsets.UTF_8));
    }
}
