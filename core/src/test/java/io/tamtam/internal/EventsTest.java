package io.tamtam.internal;

import io.tamtam.MembershipEvent;
import io.tamtam.NodeState;
import io.tamtam.internal.membership.NodeSnapshot;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A listener that blocks holds a bounded backlog of events; what it misses is counted and reported once. */
class EventsTest {
    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        callbacks.shutdownNow();
    }

    @Test
    void aBlockedListenerMissesEventsBeyondItsBacklog() {
        List<String> errors = new CopyOnWriteArrayList<>();
        Events events = new Events(callbacks, (context, error) -> errors.add(context + ": " + error.getMessage()), System::nanoTime);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slow = new AtomicInteger();
        events.add(ev -> {
            slow.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        NodeSnapshot node = new NodeSnapshot(UUID.randomUUID(), new InetSocketAddress("127.0.0.1", 1), NodeState.ALIVE, 0,
                Map.of(), 1, "");
        events.emit(MembershipEvent.Type.UPDATED, node, node, MembershipEvent.Cause.METADATA_CHANGED, node.id(), 0);
        await().until(() -> slow.get() == 1);
        int more = Events.MAX_QUEUED + 10;
        for (int i = 0; i < more; i++) {
            events.emit(MembershipEvent.Type.UPDATED, node, node, MembershipEvent.Cause.METADATA_CHANGED, node.id(), 0);
        }
        assertEquals(10, events.missed());
        assertEquals(1, errors.size(), () -> errors.toString());
        release.countDown();
        await().until(() -> slow.get() == 1 + Events.MAX_QUEUED);
    }
}
