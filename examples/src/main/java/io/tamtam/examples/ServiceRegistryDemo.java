package io.tamtam.examples;

import io.tamtam.Cluster;
import io.tamtam.ClusterConfig;
import io.tamtam.services.Delivery;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Service registry demo: two services ("billing", "orders") on their own nodes, a client that calls
 * "billing" wherever it runs, and a restart of the billing node while the client's messages are held.
 * Run with {@code ./mvnw -q -pl examples exec:java -Dexec.mainClass=io.tamtam.examples.ServiceRegistryDemo}.
 */
public final class ServiceRegistryDemo {
    private ServiceRegistryDemo() {
    }

    /** @param args unused @throws Exception when a step fails */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Runs the demo on loopback.
     *
     * @param out where it reports
     * @return the held messages the restarted billing instance handled, in order
     * @throws Exception when a step fails
     */
    public static List<String> run(PrintStream out) throws Exception {
        List<String> handled = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Cluster client = Cluster.create(ClusterConfig.local().build());
             Cluster orders = Cluster.create(ClusterConfig.local().build())) {
            Cluster billing = Cluster.create(ClusterConfig.local().build());
            try {
                orders.join(client.localNode().address()).get(20, TimeUnit.SECONDS);
                billing.join(client.localNode().address()).get(20, TimeUnit.SECONDS);
                orders.services().register("orders", m -> utf8("order " + str(m.payload()) + " placed"));
                billing.services().register("billing", m -> utf8("invoice for " + str(m.payload())));
                waitFor(() -> client.services().instances("billing").size() == 1 && client.services().instances("orders").size() == 1);
                out.println("services: " + client.services().names());
                out.println(str(client.services().request("orders", utf8("#1"), Delivery.DEFAULT).get(20, TimeUnit.SECONDS)));
                out.println(str(client.services().request("billing", utf8("#1"), Delivery.DEFAULT).get(20, TimeUnit.SECONDS)));
            } finally {
                billing.close();
            }
            out.println("billing node stopped");
            waitFor(() -> client.services().instances("billing").isEmpty());

            Delivery held = Delivery.DEFAULT.cacheFor(Duration.ofMinutes(1));
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                sent.add(client.services().sendReliable("billing", utf8("charge " + i), held));
            }
            waitFor(() -> client.services().cachedMessages() == sent.size());
            out.println("held while billing is down: " + client.services().cachedMessages());

            try (Cluster restarted = Cluster.create(ClusterConfig.local().build())) {
                restarted.services().register("billing", m -> {
                    handled.add(str(m.payload()));
                    return null;
                });
                long t0 = System.nanoTime();
                restarted.join(client.localNode().address()).get(20, TimeUnit.SECONDS);
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                out.printf("billing restarted; %d held messages delivered in order %d ms after it joined: %s%n",
                        handled.size(), (System.nanoTime() - t0) / 1_000_000, handled);
            }
        }
        return handled;
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for the cluster");
            }
            Thread.sleep(20);
        }
    }
}
