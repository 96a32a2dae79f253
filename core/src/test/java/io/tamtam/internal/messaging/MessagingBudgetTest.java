package io.tamtam.internal.messaging;

import io.tamtam.MessageType;

import io.tamtam.DropReason;
import io.tamtam.internal.Stats;
import io.tamtam.internal.peer.Peers;
import io.tamtam.internal.runtime.ByteBudget;
import io.tamtam.internal.wire.WireFormat;
import io.tamtam.internal.runtime.TestSchedulers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages waiting for a blocked handler are bounded in bytes; what does not fit is refused and counted. */
class MessagingBudgetTest {
    private static final MessageType<byte[]> TYPE = MessageType.of(1000, byte[].class);
    private static final int PAYLOAD = 10_000;

    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        callbacks.shutdownNow();
    }

    @Test
    void aBlockedHandlerCannotMakeTheNodeHoldMoreThanTheBudget() throws Exception {
        ByteBudget budget = new ByteBudget(100_000, 1_000);
        Stats stats = new Stats();
        Peers peers = new Peers(callbacks, new InOrder(TestSchedulers.INLINE_NO_TIMERS, 1, budget), id -> false, a -> null);
        Messaging messaging = new Messaging(peers, budget, new Payloads(null), stats, (c, e) -> { }, id -> null);
        CountDownLatch release = new CountDownLatch(1);
        messaging.handle(TYPE, p -> release.await());
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        UUID sender = UUID.randomUUID();
        int sent = 50;
        for (int i = 0; i < sent; i++) {
            messaging.deliver(sender, TYPE.id(), new byte[PAYLOAD], false, (status, reply) -> statuses.add(status));
        }
        long perMessage = PAYLOAD + ByteBudget.OVERHEAD_BYTES;
        assertTrue(budget.bytes() <= 100_000, "held " + budget.bytes());
        long held = 100_000 / perMessage;
        assertEquals(sent - held, stats.dropped(DropReason.QUEUE_FULL));
        assertEquals(sent - held, statuses.stream().filter(s -> s == WireFormat.STATUS_OVERLOADED).count());
        release.countDown();
        await().until(() -> statuses.size() == sent);
        assertEquals(held, statuses.stream().filter(s -> s == WireFormat.STATUS_OK).count());
        assertEquals(0, budget.bytes());
        assertEquals(0, budget.items());
    }

    /** A payload class a codec is made to fail on. */
    record Thing(int n) {
    }

    @Test
    void aPayloadTheCodecFailsOnIsCountedAndAnsweredUndecodableWhateverItThrows() {
        io.tamtam.spi.Codec failing = new io.tamtam.spi.Codec() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public boolean supports(Class<?> type) {
                return type == Thing.class;
            }

            @Override
            public byte[] encode(Object value) {
                return new byte[] {(byte) ((Thing) value).n()};
            }

            @Override
            public <T> T decode(byte[] bytes, int offset, int length, Class<T> type) throws java.io.IOException {
                if (bytes[offset] == 1) {
                    throw new java.io.IOException("not a thing");
                }
                throw new StackOverflowError("nested too deep");
            }
        };
        ByteBudget budget = new ByteBudget(100_000, 1_000);
        Stats stats = new Stats();
        Peers peers = new Peers(Runnable::run, new InOrder(TestSchedulers.INLINE_NO_TIMERS, 1, budget), id -> false, a -> null);
        Messaging messaging = new Messaging(peers, budget, new Payloads(failing), stats, (c, e) -> { }, id -> null);
        MessageType<Thing> type = MessageType.of(1001, Thing.class);
        messaging.handle(type, p -> { });
        List<String> answers = new CopyOnWriteArrayList<>();
        UUID sender = UUID.randomUUID();
        for (byte b : new byte[] {1, 2}) {
            messaging.deliver(sender, type.id(), new byte[] {b}, false, (status, reply) ->
                    answers.add(status + ":" + new String(reply, java.nio.charset.StandardCharsets.UTF_8)));
        }
        await().until(() -> answers.size() == 2);
        for (String a : answers) {
            assertTrue(a.startsWith(WireFormat.STATUS_UNDECODABLE + ":cannot decode payload"), a);
        }
        assertEquals(2, stats.dropped(DropReason.UNDECODABLE_PAYLOAD));
        assertEquals(0, budget.items());
    }
}
