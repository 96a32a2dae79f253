package io.tamtam.testkit.faults;

import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.Transports;
import io.tamtam.transport.tcp.TcpTransportFactory;
import io.tamtam.transport.udp.UdpTransportFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wrappers one transport call at a time, over real UDP and TCP sockets on loopback. */
class FaultyTransportsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private FaultInjector injector(long seed) {
        FaultInjector faults = new FaultInjector(seed);
        open.add(faults);
        return faults;
    }

    private Wrapped node(FaultInjector faults) throws IOException {
        Wrapped n = Wrapped.bind(faults);
        open.add(n);
        return n;
    }

    private static void until(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(condition);
    }

    /** Sends {@code text} as a datagram and as a frame and waits until both arrived. */
    private static void deliverBoth(Wrapped from, Wrapped to, String text) throws Exception {
        from.send(to, text);
        from.streams.sendFrame(to.address, Wrapped.utf8(text)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        until(() -> to.datagramsIn.contains(text) && to.framesIn.contains(text));
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        return assertThrows(ExecutionException.class, () -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS)).getCause();
    }

    @Test
    void theDefaultFactoriesAreTheTransportModulesOnTheClassPath() {
        assertInstanceOf(UdpTransportFactory.class, Transports.defaultDatagramFactory());
        assertInstanceOf(TcpTransportFactory.class, Transports.defaultStreamFactory());
    }

    @Test
    void aLossyLinkLosesTheSeededFractionOfDatagramsAndTheSameOnesForTheSameSeed() throws Exception {
        Set<String> first = lostDatagrams(42);
        Set<String> second = lostDatagrams(42);
        assertEquals(first, second);
        assertTrue(first.size() > 200 && first.size() < 400, () -> first.size() + " of 1000 lost at 30%");
    }

    private Set<String> lostDatagrams(long seed) throws Exception {
        FaultInjector faults = injector(seed);
        Wrapped a = node(faults);
        Wrapped b = node(faults);
        faults.loss(a.address, b.address, 0.3);
        int sent = 0;
        for (int batch = 0; batch < 20; batch++) {        // batches, so the kernel's buffer loses nothing
            for (int i = 0; i < 50; i++) {
                a.send(b, "d" + sent++);
            }
            int expected = sent;
            until(() -> b.datagramsIn.size() + faults.dropped() == expected);
        }
        Set<String> lost = new TreeSet<>();
        IntStream.range(0, sent).mapToObj(i -> "d" + i).forEach(lost::add);
        lost.removeAll(b.datagramsIn);
        assertEquals(faults.dropped(), lost.size());
        b.send(a, "back");                                 // the other direction is not lossy
        until(() -> a.datagramsIn.contains("back"));
        return lost;
    }

    @Test
    void delayedDatagramsAndFramesArriveInOrder() throws Exception {
        FaultInjector faults = injector(1);
        Wrapped a = node(faults);
        Wrapped b = node(faults);
        faults.delay(a.address, b.address, Duration.ofMillis(50));
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            a.send(b, "d" + i);
            writes.add(a.streams.sendFrame(b.address, Wrapped.utf8("f" + i)));
            expected.add("f" + i);
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        until(() -> b.framesIn.size() == 100 && b.datagramsIn.size() == 100);
        assertEquals(expected, b.framesIn);
        assertEquals(expected.stream().map(f -> "d" + f.substring(1)).toList(), b.datagramsIn);
        assertEquals(200, faults.delayedOrHeld());
    }

    @Test
    void aFrozenNodesTrafficIsHeldUntilTheThawThenDeliveredInOrder() throws Exception {
        FaultInjector faults = injector(1);
        Wrapped a = node(faults);
        Wrapped b = node(faults);
        Wrapped c = node(faults);
        faults.freeze(b.address);
        List<CompletableFuture<Void>> toB = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            a.send(b, "d" + i);
            toB.add(a.streams.sendFrame(b.address, Wrapped.utf8("f" + i)));
        }
        b.send(a, "from frozen b");
        CompletableFuture<Void> fromB = b.streams.sendFrame(a.address, Wrapped.utf8("frame from frozen b"));
        // a marker sent after the held traffic, on links without a fault, arrives
        deliverBoth(a, c, "marker");
        assertEquals(List.of(), b.datagramsIn);
        assertEquals(List.of(), b.framesIn);
        assertEquals(List.of(), a.datagramsIn);
        assertTrue(toB.stream().noneMatch(CompletableFuture::isDone), "frames to a frozen node stall");
        assertFalse(fromB.isDone(), "frames from a frozen node stall");

        faults.thaw(b.address);
        CompletableFuture.allOf(toB.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        fromB.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        until(() -> b.framesIn.size() == 10 && b.datagramsIn.size() == 10
                && a.framesIn.size() == 1 && a.datagramsIn.size() == 1);
        assertEquals(IntStream.range(0, 10).mapToObj(i -> "f" + i).toList(), b.framesIn);
        assertEquals(IntStream.range(0, 10).mapToObj(i -> "d" + i).toList(), b.datagramsIn);
        assertEquals(0, faults.dropped());
    }

    @Test
    void aFreezeThatDropsLosesDatagramsButStallsFramesAndStreams() throws Exception {
        FaultInjector faults = injector(1);
        Wrapped a = node(faults);
        Wrapped b = node(faults);
        faults.freeze(b.address, Freeze.DROP);
        a.send(b, "lost");
        b.send(a, "lost too");
        CompletableFuture<Void> frame = a.streams.sendFrame(b.address, Wrapped.utf8("stalled"));
        CompletableFuture<StreamChannel> stream = b.streams.openStream(a.address);
        assertEquals(2, faults.dropped());
        assertEquals(2, faults.delayedOrHeld());
        assertFalse(frame.isDone(), "a frame to a frozen node stalls");
        assertFalse(stream.isDone(), "a stream from a frozen node waits");

        faults.thaw(b.address);
        frame.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        open.add(stream.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        deliverBoth(a, b, "after");
        assertEquals(List.of("after"), b.datagramsIn);
        assertEquals(List.of("stalled", "after"), b.framesIn);
        assertEquals(List.of(), a.datagramsIn);
        assertEquals(2, faults.dropped());
    }

    @Test
    void aOneWayPartitionCutsOneDirectionOnlyAndHealRestoresIt() throws Exception {
        FaultInjector faults = injector(1);
        Wrapped a = node(faults);
        Wrapped b = node(faults);
        faults.partitionOneWay(List.of(a.address), List.of(b.address));
        Throwable failure = failureOf(a.streams.sendFrame(b.address, Wrapped.utf8("cut")));
        assertInstanceOf(IOException.class, failure);
        assertTrue(failure.getMessage().contains("cuts the link"), failure::getMessage);
        assertInstanceOf(IOException.class, failureOf(a.streams.openStream(b.address)));
        a.send(b, "cut");
        deliverBoth(b, a, "b to a");

        faults.heal();
        deliverBoth(a, b, "healed");
        assertEquals(List.of("healed"), b.datagramsIn);
        assertEquals(List.of("healed"), b.framesIn);
    }

    @Test
    void datagramsFromASenderOutsideTheInjectorAreFilteredWhereTheyArrive() throws Exception {
        FaultInjector faults = injector(1);
        Wrapped b = node(faults);
        io.tamtam.spi.DatagramTransport outsider = Transports.defaultDatagramFactory().create(Wrapped.OPTIONS);
        open.add(outsider);
        InetSocketAddress outsiderAddress = outsider.bind(new InetSocketAddress("127.0.0.1", 0), (from, d) -> { });

        faults.partitionOneWay(List.of(outsiderAddress), List.of(b.address));
        outsider.send(b.address, Wrapped.utf8("cut"));
        until(() -> faults.dropped() == 1);
        faults.heal();
        faults.freeze(b.address);
        outsider.send(b.address, Wrapped.utf8("held"));
        until(() -> faults.delayedOrHeld() == 1);
        assertEquals(List.of(), b.datagramsIn);

        faults.thaw(b.address);
        outsider.send(b.address, Wrapped.utf8("after"));
        until(() -> b.datagramsIn.size() == 2);
        assertEquals(List.of("held", "after"), b.datagramsIn);
    }

    @Test
    void anOpenStreamStallsWhileItsLinkIsCutAndFlowsAfterTheHeal() throws Exception {
        FaultInjector faults = injector(1);
        Wrapped a = node(faults);
        Wrapped b = node(faults);
        StreamChannel out = a.streams.openStream(b.address).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        open.add(out);
        StreamChannel in = b.streamsIn.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        open.add(in);

        faults.disconnect(a.address, b.address);
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> write(out.outputStream(), "stalled"));
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> read(in.inputStream(), 7));
        // the other direction still flows while this one stalls
        b.streams.sendFrame(a.address, Wrapped.utf8("b to a")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        until(() -> a.framesIn.contains("b to a"));
        assertFalse(write.isDone(), "the write stalls");
        assertFalse(read.isDone(), "nothing arrives");

        faults.reconnect(a.address, b.address);
        write.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("stalled", read.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void closingAStalledStreamEndsItsWriteWithAnIOException() throws Exception {
        FaultInjector faults = injector(1);
        Wrapped a = node(faults);
        Wrapped b = node(faults);
        StreamChannel out = a.streams.openStream(b.address).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        open.add(b.streamsIn.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        faults.freeze(a.address);
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> write(out.outputStream(), "stalled"));
        out.close();
        Throwable failure = failureOf(write);
        assertInstanceOf(IOException.class, failure.getCause(), failure::toString);
    }

    @Test
    void framesBeyondTheBoundOfALinkFailInsteadOfWaiting() throws Exception {
        FaultInjector faults = injector(1);
        Wrapped a = node(faults);
        Wrapped b = node(faults);
        faults.freeze(b.address);
        List<CompletableFuture<Void>> held = new ArrayList<>();
        for (int i = 0; i < FaultInjector.MAX_HELD_PER_LINK; i++) {
            held.add(a.streams.sendFrame(b.address, Wrapped.utf8("f")));
        }
        Throwable failure = failureOf(a.streams.sendFrame(b.address, Wrapped.utf8("one too many")));
        assertTrue(failure.getMessage().contains("heal or thaw"), failure::getMessage);
        a.send(b, "datagram");                               // another lane: it waits
        faults.thaw(b.address);
        CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        until(() -> b.framesIn.size() == FaultInjector.MAX_HELD_PER_LINK
                && b.datagramsIn.contains("datagram"));
    }

    @Test
    void closingTheInjectorDeliversWhatWaitsAndLeavesTheTransportsWorking() throws Exception {
        FaultInjector faults = injector(1);
        Wrapped a = node(faults);
        Wrapped b = node(faults);
        faults.freeze(b.address);
        CompletableFuture<Void> held = a.streams.sendFrame(b.address, Wrapped.utf8("held"));
        faults.close();
        held.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        a.streams.sendFrame(b.address, Wrapped.utf8("after")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        until(() -> b.framesIn.equals(List.of("held", "after")));
        IllegalStateException misuse = assertThrows(IllegalStateException.class, () -> faults.freeze(a.address));
        assertTrue(misuse.getMessage().contains("create a new one"), misuse::getMessage);
    }

    @Test
    void misuseIsRefusedWithWhatToDo() {
        FaultInjector faults = injector(1);
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 1);
        assertThrows(IllegalArgumentException.class, () -> faults.loss(a, 1.5));
        assertThrows(IllegalArgumentException.class, () -> faults.delay(a, Duration.ofMillis(-1)));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> faults.partition(List.of(a), List.of()));
        assertTrue(empty.getMessage().contains("both sides"), empty::getMessage);
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(InputStream in, int bytes) {
        try {
            return new String(in.readNBytes(bytes), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
