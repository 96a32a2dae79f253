package io.tamtam.testkit;

import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.TransportOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimStreamTransportTest {

    @Test
    void framesArriveInOrderDespiteJitter() {
        SimNetwork net = SimNetwork.builder().defaultLatency(Duration.ofMillis(5))
                .jitter(Duration.ofMillis(50)).build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            CompletableFuture<Void> f = a.streams.sendFrame(b.node.address(), Endpoint.bytes("f" + i));
            assertTrue(f.isDone() && !f.isCompletedExceptionally(), "completes when written");
            expected.add("f" + i);
            if (i % 10 == 0) {
                net.runFor(Duration.ofMillis(3));
            }
        }
        net.runFor(Duration.ofMillis(100));
        List<String> payloads = b.receivedFrames.stream().map(s -> s.split(" ")[1]).toList();
        assertEquals(expected, payloads);
        long previous = 0;
        for (String r : b.receivedFrames) {
            long ms = Long.parseLong(r.split(" ")[0]);
            assertTrue(ms >= previous, "delivery times never go back: " + b.receivedFrames);
            previous = ms;
        }
        assertEquals(100, a.node.counters().framesSent());
        assertEquals(100, b.node.counters().framesReceived());
    }

    @Test
    void frameAcrossAPartitionFailsAfterTheConnectTimeout() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        net.partition(List.of(a.node), List.of(b.node));

        CompletableFuture<Void> f = a.streams.sendFrame(b.node.address(), Endpoint.bytes("x"));
        net.runFor(Duration.ofMillis(2999));
        assertFalse(f.isDone(), "still connecting");
        net.runFor(Duration.ofMillis(1));
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertInstanceOf(SocketTimeoutException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("timed out"));
        assertEquals(List.of(), b.receivedFrames);
    }

    @Test
    void frameToACrashedNodeTimesOutAndToNobodyIsRefused() throws Exception {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        b.node.crash();
        CompletableFuture<Void> toCrashed = a.streams.sendFrame(b.node.address(), Endpoint.bytes("x"));
        CompletableFuture<Void> toNobody = a.streams.sendFrame(
                new InetSocketAddress(java.net.InetAddress.getByName("127.0.0.99"), 7946), Endpoint.bytes("x"));
        net.runFor(Duration.ofSeconds(3));
        assertInstanceOf(SocketTimeoutException.class, cause(toCrashed));
        IOException refused = assertInstanceOf(ConnectException.class, cause(toNobody));
        assertTrue(refused.getMessage().contains("refused"));
    }

    @Test
    void closingFailsPendingFutures() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        net.partition(List.of(a.node), List.of(b.node));
        CompletableFuture<Void> f = a.streams.sendFrame(b.node.address(), Endpoint.bytes("x"));
        a.streams.close();
        assertTrue(cause(f).getMessage().contains("closed"));
        assertTrue(cause(a.streams.sendFrame(b.node.address(), Endpoint.bytes("y"))).getMessage()
                .contains("closed"));
    }

    @Test
    void oversizedFramesFailWithTheLimitAndAreRefusedByASmallerReceiver() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint big = Endpoint.create(net, new TransportOptions(1400, 1 << 20, Duration.ofSeconds(3),
                Duration.ofSeconds(15), Duration.ofSeconds(10)));
        Endpoint small = Endpoint.create(net);

        CompletableFuture<Void> tooBig = small.streams.sendFrame(big.node.address(),
                ByteBuffer.allocate(64 * 1024 + 1));
        Throwable e = cause(tooBig);
        assertTrue(e.getMessage().contains("65536"), e.getMessage());

        big.streams.sendFrame(small.node.address(), ByteBuffer.allocate(100_000));
        net.runFor(Duration.ofMillis(5));
        assertEquals(List.of(DropReason.OVERSIZED), small.dropped);
        assertEquals(List.of(), small.receivedFrames);
    }

    @Test
    void pausedReceiverGetsFramesLateInOrder() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        b.node.pause();
        a.streams.sendFrame(b.node.address(), Endpoint.bytes("1"));
        a.streams.sendFrame(b.node.address(), Endpoint.bytes("2"));
        net.runFor(Duration.ofMillis(30));
        b.node.resume();
        net.runFor(Duration.ofMillis(1));
        assertEquals(List.of("30 1", "30 2"), b.receivedFrames);
    }

    @Test
    void streamRoundTripWithHalfClose() throws Exception {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        CompletableFuture<StreamChannel> opening = a.streams.openStream(b.node.address());
        assertTrue(net.runUntil(() -> opening.isDone() && !b.accepted.isEmpty(), Duration.ofSeconds(1)));
        StreamChannel client = opening.get();
        StreamChannel server = b.accepted.get(0);
        assertEquals(b.node.address(), client.remoteAddress());
        assertEquals(a.node.address(), server.remoteAddress());

        byte[] request = new byte[1_000_000];
        for (int i = 0; i < request.length; i++) {
            request[i] = (byte) (i * 31);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<byte[]> echoed = pool.submit(() -> {
                byte[] got = server.inputStream().readAllBytes();   // until the client half-closes
                try (OutputStream out = server.outputStream()) {
                    out.write(got);
                }
                return got;
            });
            Future<?> writer = pool.submit(() -> {
                try (OutputStream out = client.outputStream()) {
                    out.write(request);                              // more than the 256 KiB buffer
                }
                return null;
            });
            byte[] reply = client.inputStream().readAllBytes();
            writer.get(30, TimeUnit.SECONDS);
            assertArrayEquals(request, echoed.get(30, TimeUnit.SECONDS));
            assertArrayEquals(request, reply);
            assertThrows(IOException.class, () -> client.outputStream().write(1), "half-closed");
        } finally {
            client.close();
            server.close();
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeAndCrashUnblockThePeer() throws Exception {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        CompletableFuture<StreamChannel> first = a.streams.openStream(b.node.address());
        CompletableFuture<StreamChannel> second = a.streams.openStream(b.node.address());
        assertTrue(net.runUntil(() -> b.accepted.size() == 2 && second.isDone(), Duration.ofSeconds(1)));

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> blockedRead = pool.submit(() -> first.get().inputStream().read());
            Future<Void> blockedWrite = pool.submit(() -> {
                OutputStream out = second.get().outputStream();
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 100; i++) {
                    out.write(chunk);                                // blocks once 256 KiB are buffered
                }
                return null;
            });
            b.accepted.get(0).close();
            ExecutionException readFailure = assertThrows(ExecutionException.class,
                    () -> blockedRead.get(30, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, readFailure.getCause());

            b.node.crash();
            ExecutionException writeFailure = assertThrows(ExecutionException.class,
                    () -> blockedWrite.get(30, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, writeFailure.getCause());
            assertThrows(IOException.class, () -> b.accepted.get(1).inputStream().read());
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            a.streams.close();
        }
    }

    @Test
    void streamToAPartitionedNodeFailsAfterTheConnectTimeout() {
        SimNetwork net = SimNetwork.builder().build();
        Endpoint a = Endpoint.create(net);
        Endpoint b = Endpoint.create(net);
        net.partitionOneWay(a.node, b.node);
        CompletableFuture<StreamChannel> f = a.streams.openStream(b.node.address());
        net.runFor(Duration.ofSeconds(3));
        assertInstanceOf(SocketTimeoutException.class, cause(f));
        assertEquals(List.of(), b.accepted);
    }

    private static Throwable cause(CompletableFuture<?> f) {
        assertTrue(f.isDone(), "future done");
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        return e.getCause();
    }
}
