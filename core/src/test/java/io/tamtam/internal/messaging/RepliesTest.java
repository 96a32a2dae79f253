package io.tamtam.internal.messaging;

import io.tamtam.DeliveryException;
import io.tamtam.RemoteException;
import io.tamtam.internal.runtime.Completions;
import io.tamtam.internal.wire.WireFormat;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepliesTest {
    private static final UUID NODE = new UUID(1, 2);
    private static final UUID OTHER = new UUID(3, 4);

    private final long[] now = {0};
    private final ManualScheduler scheduler = new ManualScheduler();
    private final Replies replies = new Replies(() -> now[0], scheduler,
            new Completions(Runnable::run, () -> now[0], scheduler, (what, e) -> { }));

    @Test
    void aReplyCompletesWithItsBodyAndAnAcknowledgementWithNull() throws Exception {
        CompletableFuture<byte[]> request = replies.await(7, NODE, Duration.ofSeconds(1));
        CompletableFuture<Void> ack = replies.awaitAck(8, NODE, Duration.ofSeconds(1));
        replies.answer(7, NODE, WireFormat.STATUS_OK, new byte[] {1, 2});
        replies.answer(8, NODE, WireFormat.STATUS_OK, new byte[0]);
        assertArrayEquals(new byte[] {1, 2}, request.get());
        assertNull(ack.get());
        assertFalse(replies.waiting(7));
        assertFalse(replies.waiting(8));
    }

    @Test
    void anAnswerFromAnotherNodeOrTwiceIsIgnored() throws Exception {
        CompletableFuture<Void> ack = replies.awaitAck(-5, NODE, Duration.ofSeconds(1));
        replies.answer(-5, OTHER, WireFormat.STATUS_HANDLER_ERROR, "no".getBytes(StandardCharsets.UTF_8));
        assertFalse(ack.isDone());
        assertTrue(replies.waiting(-5));
        replies.answer(-5, NODE, WireFormat.STATUS_HANDLER_ERROR, "boom".getBytes(StandardCharsets.UTF_8));
        replies.answer(-5, NODE, WireFormat.STATUS_OK, new byte[0]);
        ExecutionException e = assertThrows(ExecutionException.class, ack::get);
        assertInstanceOf(RemoteException.class, e.getCause());
    }

    @Test
    void theSweepFailsWhatPassedItsDeadlineAndKeepsTheRest() {
        CompletableFuture<Void> soon = replies.awaitAck(1, NODE, Duration.ofMillis(10));
        CompletableFuture<byte[]> later = replies.await(2, NODE, Duration.ofSeconds(10));
        now[0] = Duration.ofMillis(20).toNanos();
        scheduler.fire();
        assertInstanceOf(DeliveryException.class, assertThrows(ExecutionException.class, soon::get).getCause());
        assertFalse(later.isDone());
        assertTrue(replies.waiting(2));
    }

    @Test
    void oneAcknowledgementPacketCompletesItsFuturesAndFailsWhatItRefused() {
        CompletableFuture<Void> first = replies.awaitAck(1, NODE, Duration.ofSeconds(1));
        CompletableFuture<Void> refused = replies.awaitAck(2, NODE, Duration.ofSeconds(1));
        CompletableFuture<Void> third = replies.awaitAck(3, NODE, Duration.ofSeconds(1));
        CompletableFuture<Void> toOther = replies.awaitAck(4, OTHER, Duration.ofSeconds(1));
        replies.answerAcks(java.util.List.of(
                new io.tamtam.internal.wire.Message.ReliableAck(1, WireFormat.STATUS_OK, ""),
                new io.tamtam.internal.wire.Message.ReliableAck(2, WireFormat.STATUS_OVERLOADED, "full"),
                new io.tamtam.internal.wire.Message.ReliableAck(3, WireFormat.STATUS_OK, ""),
                new io.tamtam.internal.wire.Message.ReliableAck(4, WireFormat.STATUS_OK, ""),
                new io.tamtam.internal.wire.Message.ReliableAck(99, WireFormat.STATUS_OK, "")), NODE);
        assertTrue(first.isDone() && !first.isCompletedExceptionally());
        assertTrue(third.isDone() && !third.isCompletedExceptionally());
        ExecutionException e = assertThrows(ExecutionException.class, refused::get);
        assertInstanceOf(DeliveryException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("full"), e.getCause().getMessage());
        assertFalse(toOther.isDone(), "an acknowledgement from another node than the message's is ignored");
        assertTrue(replies.waiting(4));
        assertFalse(replies.waiting(1));
        assertFalse(replies.waiting(3));
    }

    @Test
    void failToAndCloseFailOnlyWhatTheyName() {
        CompletableFuture<Void> toNode = replies.awaitAck(1, NODE, Duration.ofSeconds(1));
        CompletableFuture<byte[]> toOther = replies.await(2, OTHER, Duration.ofSeconds(1));
        replies.failTo(NODE, "node left");
        assertTrue(toNode.isCompletedExceptionally());
        assertFalse(toOther.isDone());
        replies.close("closed");
        assertTrue(toOther.isCompletedExceptionally());
        assertFalse(replies.waiting(2));
    }
}
