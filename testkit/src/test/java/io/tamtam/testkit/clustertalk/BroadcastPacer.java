package io.tamtam.testkit.clustertalk;

import io.tamtam.Cluster;
import io.tamtam.MessageType;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

import static org.awaitility.Awaitility.await;

/** Broadcasts a numbered series; a broadcast the node refuses because its queue is full is offered again. */
final class BroadcastPacer {
    private BroadcastPacer() {
    }

    static <T> void broadcastAll(Cluster node, MessageType<T> type, int count, IntFunction<T> payload)
            throws InterruptedException, TimeoutException, ExecutionException {
        for (int seq = 0; seq < count; seq++) {
            T p = payload.apply(seq);
            if (!accepted(node, type, p)) {
                // the queue is full of messages not yet sent: offer it again every few milliseconds
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).pollInSameThread()
                        .until(() -> accepted(node, type, p));
            }
        }
    }

    private static <T> boolean accepted(Cluster node, MessageType<T> type, T payload)
            throws InterruptedException, TimeoutException, ExecutionException {
        try {
            node.broadcast(type, payload).get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (String.valueOf(e.getCause().getMessage()).contains("queue is full")) {
                return false;
            }
            throw e;
        }
    }
}
