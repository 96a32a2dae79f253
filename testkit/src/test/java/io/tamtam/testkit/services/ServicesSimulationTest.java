package io.tamtam.testkit.services;

import io.tamtam.Cluster;
import io.tamtam.DeliveryException;
import io.tamtam.Subscription;
import io.tamtam.services.Delivery;
import io.tamtam.services.Policy;
import io.tamtam.services.ServiceEvent;
import io.tamtam.services.Services;
import io.tamtam.testkit.SimNetwork;
import io.tamtam.testkit.SimNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Services registry, messages to services and cached delivery, on the simulator. */
class ServicesSimulationTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void registryPoliciesGroupBroadcastAndEvents() {
        try (SimNetwork net = SimNetwork.builder().seed(11).trace(false).build()) {
            List<SimNode> nodes = Sim.cluster(net, 6, b -> { });
            Cluster client = nodes.get(0).cluster();
            List<ServiceEvent> events = new ArrayList<>();
            client.services().addListener(events::add);
            List<String> handledBy = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                String me = "b" + i;
                nodes.get(i).cluster().services().register("billing", m -> {
                    handledBy.add(me);
                    return utf8(me + ":" + str(m.payload()));
                });
            }
            List<String> orders = new ArrayList<>();
            nodes.get(4).cluster().services().register("orders", m -> {
                orders.add(str(m.payload()));
                return null;
            });
            Sim.until(net, () -> client.services().instances("billing").size() == 3
                    && client.services().instances("orders").size() == 1, "the client learns 3 billing and 1 orders instance");
            assertEquals(Set.of("billing", "orders"), client.services().names());
            assertEquals(4, events.stream().filter(e -> e.type() == ServiceEvent.Type.APPEARED).count());

            String reply = str(Sim.await(net, client.services().request("billing", utf8("x"), Delivery.DEFAULT)));
            assertTrue(reply.matches("b[123]:x"), reply);

            handledBy.clear();
            Delivery rr = Delivery.DEFAULT.policy(Policy.ROUND_ROBIN);
            for (int i = 0; i < 6; i++) {
                Sim.await(net, client.services().sendReliable("billing", utf8("r" + i), rr));
            }
            assertEquals(List.of("b1", "b2", "b3", "b1", "b2", "b3"), rotateToB1(handledBy), "round robin visits each in turn");

            Set<String> forKey = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                forKey.add(str(Sim.await(net, client.services().request("billing", utf8("k"), Delivery.DEFAULT.hashing("customer-42")))));
            }
            assertEquals(1, forKey.size(), "one key sticks to one instance: " + forKey);

            handledBy.clear();
            assertEquals(3, Sim.await(net, client.services().sendToGroup("billing", utf8("all"))));
            assertEquals(Set.of("b1", "b2", "b3"), new HashSet<>(handledBy));

            handledBy.clear();
            orders.clear();
            Sim.await(net, client.services().broadcast("*", utf8("hello")));
            Sim.until(net, () -> handledBy.size() == 3 && orders.size() == 1, "a broadcast reaches every service instance");
            net.runFor(Duration.ofSeconds(5));
            assertEquals(3, handledBy.size(), "delivered once per instance");

            CompletableFuture<byte[]> none = client.services().request("missing", utf8("?"), Delivery.DEFAULT);
            CompletionException e = assertThrows(CompletionException.class, () -> Sim.await(net, none));
            assertInstanceOf(DeliveryException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("no live instance"), e.getCause().getMessage());

            nodes.get(4).cluster().close();
            Sim.until(net, () -> client.services().instances("orders").isEmpty(), "a dead node's instance vanishes");
            assertTrue(events.stream().anyMatch(ev -> ev.type() == ServiceEvent.Type.VANISHED
                    && ev.instance().service().equals("orders")));
        }
    }

    private static List<String> rotateToB1(List<String> l) {
        int i = l.indexOf("b1");
        List<String> out = new ArrayList<>(l.subList(i, l.size()));
        out.addAll(l.subList(0, i));
        return out;
    }

    @Test
    void cachedMessagesAreDeliveredInOrderWhenAnInstanceAppearsAndExpireOtherwise() {
        try (SimNetwork net = SimNetwork.builder().seed(12).trace(false).build()) {
            List<SimNode> nodes = Sim.cluster(net, 4, b -> { });
            Services client = nodes.get(0).cluster().services();
            Delivery held = Delivery.DEFAULT.cacheFor(Duration.ofSeconds(60));
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add(client.sendReliable("audit", utf8("m" + i), held));
            }
            CompletableFuture<Void> expiring = client.sendReliable("ledger", utf8("late"), Delivery.DEFAULT.cacheFor(Duration.ofSeconds(2)));
            net.runFor(Duration.ofSeconds(1));
            assertEquals(21, client.cachedMessages());
            assertTrue(sent.stream().noneMatch(CompletableFuture::isDone), "held while no instance is live");

            Duration before = net.now();
            List<String> got = new ArrayList<>();
            Subscription reg = nodes.get(3).cluster().services().register("audit", m -> {
                got.add(str(m.payload()));
                return null;
            });
            Sim.until(net, () -> sent.stream().allMatch(CompletableFuture::isDone), "held messages are delivered");
            System.out.printf("cached delivery: 20 held messages handled %d ms (virtual) after the instance registered%n",
                    net.now().minus(before).toMillis());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add("m" + i);
            }
            assertEquals(expected, got, "in send order");
            sent.forEach(CompletableFuture::join);

            CompletionException e = assertThrows(CompletionException.class, () -> Sim.await(net, expiring));
            assertInstanceOf(DeliveryException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("held"), e.getCause().getMessage());
            assertEquals(0, client.cachedMessages());
            reg.close();
        }
    }

    @Test
    void misuseIsRefusedWithAMessage() {
        try (SimNetwork net = SimNetwork.builder().seed(13).trace(false).build()) {
            Cluster c = net.addNode(b -> b.maxMetadataBytes(700)).cluster();
            assertThrows(IllegalArgumentException.class, () -> c.services().register("bad name", m -> null));
            Subscription s = c.services().register("one", m -> null);
            assertThrows(IllegalStateException.class, () -> c.services().register("one", m -> null));
            assertThrows(IllegalArgumentException.class, () -> c.setMetadata(Services.METADATA_KEY, "x"));
            for (int i = 1; i < Services.MAX_SERVICES_PER_NODE; i++) {
                c.services().register("s" + i, m -> null);
            }
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> c.services().register("more", m -> null));
            assertTrue(full.getMessage().contains("32"), full.getMessage());
            s.close();
            Cluster small = net.addNode(b -> b.maxMetadataBytes(64)).cluster();
            small.services().register("a-rather-long-service-name-number-1", m -> null);
            IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                    () -> small.services().register("a-rather-long-service-name-number-2", m -> null));
            assertTrue(tooBig.getMessage().contains("maxMetadataBytes"), tooBig.getMessage());
        }
    }
}
