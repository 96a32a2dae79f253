package io.tamtam.internal.sync;

import io.tamtam.DropReason;
import io.tamtam.Node;
import io.tamtam.NodeState;
import io.tamtam.Subscription;
import io.tamtam.internal.Stats;
import io.tamtam.internal.membership.NodeSnapshot;
import io.tamtam.internal.messaging.Payloads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Received states reach the handler on the callback executor, one at a time; while it is busy only each
 * node's latest state waits, bounded in bytes; a handler that throws is counted and does not stop later states.
 */
class AppStatesTest {
    private static final UUID A = new UUID(0, 1);
    private static final UUID B = new UUID(0, 2);
    private static final UUID C = new UUID(0, 3);

    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);
    private final Stats stats = new Stats();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        callbacks.shutdownNow();
    }

    private AppStates appStates(int maxBytes) {
        return new AppStates(maxBytes, new Payloads(null), callbacks, stats,
                (context, error) -> errors.add(context + ": " + error.getMessage()), AppStatesTest::node);
    }

    private static Node node(UUID id) {
        return new NodeSnapshot(id, new InetSocketAddress("127.0.0.1", 1), NodeState.ALIVE, 0, Map.of(), 1, "");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void whileTheHandlerIsBusyOnlyEachNodesLatestStateWaits() throws Exception {
        AppStates states = appStates(1024);
        CountDownLatch release = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        states.onRemoteState(String.class, (from, state, join) -> {
            seen.add(from.id().getLeastSignificantBits() + ":" + state + (join ? ":join" : ""));
            release.await(10, TimeUnit.SECONDS);
        });
        states.received(A, utf8("a1"), false);
        await().until(() -> seen.size() == 1);
        states.received(B, utf8("b1"), false);
        states.received(C, utf8("c1"), false);
        states.received(B, utf8("b2"), true);
        states.received(B, utf8("b3"), false);
        release.countDown();
        await().until(() -> seen.size() == 3);
        assertEquals(List.of("1:a1", "3:c1", "2:b3:join"), seen, "b3 replaced b1 and b2 and keeps b2's join; c1 was older");
        assertEquals(0, stats.dropped(DropReason.QUEUE_FULL));
    }

    @Test
    void undeliveredStatesAreBoundedInBytes() {
        int size = 1 << 20;
        AppStates states = appStates(size);
        CountDownLatch release = new CountDownLatch(1);
        List<UUID> seen = new CopyOnWriteArrayList<>();
        states.onRemoteState(byte[].class, (from, state, join) -> {
            seen.add(from.id());
            release.await(10, TimeUnit.SECONDS);
        });
        byte[] state = new byte[size];
        states.received(A, state, false);
        await().until(() -> seen.size() == 1);
        int fit = (int) (AppStates.MAX_PENDING_BYTES / (size + AppStates.ENTRY_BYTES));
        for (int i = 0; i < fit + 3; i++) {
            states.received(new UUID(1, i), state, false);
        }
        assertEquals(3, stats.dropped(DropReason.QUEUE_FULL));
        states.received(new UUID(1, 0), state, false);
        assertEquals(3, stats.dropped(DropReason.QUEUE_FULL), "a newer state of a waiting node replaces it, within the bound");
        release.countDown();
        await().until(() -> seen.size() == 1 + fit);
    }

    @Test
    void emptyStatesFromManySendersAreBoundedToo() {
        AppStates states = appStates(16);
        CountDownLatch release = new CountDownLatch(1);
        List<UUID> seen = new CopyOnWriteArrayList<>();
        states.onRemoteState(byte[].class, (from, state, join) -> {
            seen.add(from.id());
            release.await(10, TimeUnit.SECONDS);
        });
        states.received(A, new byte[0], false);
        await().until(() -> seen.size() == 1);
        int fit = (int) (AppStates.MAX_PENDING_BYTES / AppStates.ENTRY_BYTES);
        for (int i = 0; i < fit + 3; i++) {
            states.received(new UUID(2, i), new byte[0], false);
        }
        assertEquals(3, stats.dropped(DropReason.QUEUE_FULL));
        release.countDown();
    }

    @Test
    void oversizedStatesAreDroppedAndCountedAndAHandlerThatThrowsDoesNotStopLaterOnes() {
        AppStates states = appStates(4);
        List<String> seen = new CopyOnWriteArrayList<>();
        states.onRemoteState(String.class, (from, state, join) -> {
            seen.add(state);
            if (state.equals("boom")) {
                throw new IllegalStateException("merge failed");
            }
        });
        states.received(A, utf8("12345"), false);
        assertEquals(1, stats.dropped(DropReason.OVERSIZED));
        states.received(A, utf8("boom"), false);
        await().until(() -> seen.size() == 1);
        states.received(A, utf8("ok"), false);
        await().until(() -> seen.size() == 2);
        assertEquals(List.of("boom", "ok"), seen);
        assertEquals(1, stats.callbackErrors());
        assertEquals(List.of("app-state handler: merge failed"), errors);
    }

    @Test
    void oneHandlerAtATimeAndWithoutOneStatesAreIgnored() {
        AppStates states = appStates(64);
        List<String> seen = new CopyOnWriteArrayList<>();
        states.received(A, utf8("before"), false);
        Subscription sub = states.onRemoteState(String.class, (from, state, join) -> seen.add(state));
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> states.onRemoteState(byte[].class, (from, state, join) -> { }));
        assertTrue(twice.getMessage().contains("already registered"), twice.getMessage());
        IllegalStateException noCodec = assertThrows(IllegalStateException.class,
                () -> appStates(64).onRemoteState(UUID.class, (from, state, join) -> { }));
        assertTrue(noCodec.getMessage().contains("codec"), noCodec.getMessage());
        states.received(A, utf8("during"), false);
        await().until(() -> seen.size() == 1);
        sub.close();
        states.received(A, utf8("after"), false);
        states.onRemoteState(String.class, (from, state, join) -> seen.add("second handler: " + state));
        states.received(B, utf8("later"), false);
        await().until(() -> seen.size() == 2);
        assertEquals(List.of("during", "second handler: later"), seen);
    }

    @Test
    void thePublishedStateIsACopyAndBounded() {
        AppStates states = appStates(8);
        byte[] mine = utf8("v1");
        states.publish(mine);
        mine[0] = 'x';
        assertArrayEquals(utf8("v1"), states.forWire(), "publish copies the caller's array");
        assertNotSame(states.forWire(), states.local(), "local() hands out a copy");
        states.publish("v2");
        assertArrayEquals(utf8("v2"), states.local());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> states.publish("123456789"));
        assertTrue(e.getMessage().contains("9 bytes") && e.getMessage().contains("maxAppStateBytes = 8"), e.getMessage());
        IllegalArgumentException noCodec = assertThrows(IllegalArgumentException.class, () -> states.publish(List.of(1)));
        assertTrue(noCodec.getMessage().contains("codec"), noCodec.getMessage());
        assertArrayEquals(utf8("v2"), states.local(), "a refused state leaves the previous one");
        states.clear();
        assertEquals(null, states.forWire());
    }
}
