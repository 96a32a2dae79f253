package io.tamtam.examples;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Application state that converges with the membership: three nodes on loopback each publish their
 * load, and each keeps a view of the others' loads merged from the state that travels with push-pull
 * (the anti-entropy exchange, every {@code pushPullInterval}). Then one node's load changes and the
 * others' views follow. Finishes in a few seconds.
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am compile -Prun -Dexample=SharedState
 * </pre>
 */
public final class SharedState {

    /** How long the views may take to converge before the example gives up. */
    private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(20);

    /**
     * One node's application state: any type the codec encodes (here MessagePack), or bytes or a string.
     *
     * @param node     the node's name
     * @param sessions how many sessions it serves
     */
    public record Load(String node, int sessions) {
    }

    /** One node and its view of the others' loads, by node id. */
    private record Member(Cluster cluster, Map<UUID, Load> loads) {
    }

    private static final int NODES = 3;
    private final List<Member> members = new CopyOnWriteArrayList<>();
    /** The load each node published last, by node id. */
    private final Map<UUID, Load> published = new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> converged = new CompletableFuture<>();

    private SharedState() {
    }

    /**
     * Runs the example.
     *
     * @param out where to print the views
     * @return every node's final view: its name, then the loads it holds for the others, sorted
     * @throws Exception when a node cannot start, a join fails or the views do not converge in time
     */
    public static List<String> run(PrintStream out) throws Exception {
        SharedState example = new SharedState();
        try {
            return example.steps(out);
        } finally {
            for (Member m : example.members) {
                m.cluster().close();
            }
        }
    }

    private List<String> steps(PrintStream out) throws Exception {
        ClusterConfig.Builder config = ClusterConfig.local().pushPullInterval(Duration.ofMillis(300));
        for (int i = 0; i < NODES; i++) {
            Cluster cluster = Cluster.create(config.build());
            members.add(new Member(cluster, new ConcurrentHashMap<>()));
            Map<UUID, Load> loads = members.get(i).loads();
            Load load = new Load("node-" + i, 10 * i);
            published.put(cluster.localNode().id(), load);
            // tag::appstate[]
            cluster.appState().onRemoteState(Load.class, (from, state, join) -> {
                loads.put(from.id(), state);          // merge: on the callback executor, one state at a time
                checkConverged();
            });
            cluster.appState().publish(load);         // sent with every push-pull from now on, both ways
            // end::appstate[]
        }
        Cluster seed = members.get(0).cluster();
        for (Member m : members.subList(1, NODES)) {
            m.cluster().join(seed.localNode().address()).get(10, TimeUnit.SECONDS);
        }
        awaitConverged();
        out.println("every node holds the others' loads:");
        print(out);

        converged = new CompletableFuture<>();
        Cluster changed = members.get(1).cluster();
        Load busier = new Load("node-1", 99);
        published.put(changed.localNode().id(), busier);
        changed.appState().publish(busier);
        awaitConverged();
        out.println("node-1 now serves 99 sessions, and the others know:");
        return print(out);
    }

    /** Completes {@link #converged} once every node holds every other node's latest published load. */
    private void checkConverged() {
        if (members.size() < NODES) {
            return;
        }
        for (Member viewer : members) {
            for (Member other : members) {
                UUID id = other.cluster().localNode().id();
                if (viewer != other && !published.get(id).equals(viewer.loads().get(id))) {
                    return;
                }
            }
        }
        converged.complete(null);
    }

    private void awaitConverged() throws Exception {
        checkConverged();
        converged.get(CONVERGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private List<String> print(PrintStream out) {
        List<String> views = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            List<String> others = new ArrayList<>();
            for (Load l : members.get(i).loads().values()) {
                others.add(l.node() + "=" + l.sessions());
            }
            others.sort(null);
            String view = "node-" + i + " sees " + others;
            out.println("  " + view);
            views.add(view);
        }
        return views;
    }

    /**
     * Entry point.
     *
     * @param args ignored
     * @throws Exception when the example fails
     */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }
}
