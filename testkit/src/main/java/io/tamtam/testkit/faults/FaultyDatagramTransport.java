package io.tamtam.testkit.faults;

import io.tamtam.spi.DatagramTransport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** A real datagram transport under the faults of an injector; see {@link FaultInjector}. */
final class FaultyDatagramTransport implements DatagramTransport {

    private final FaultInjector injector;
    private final DatagramTransport inner;
    private final Lanes lanes;
    private volatile InetSocketAddress self;

    FaultyDatagramTransport(FaultInjector injector, DatagramTransport inner) {
        this.injector = injector;
        this.inner = inner;
        this.lanes = new Lanes(injector, true);
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
        InetSocketAddress bound = inner.bind(address, (sender, datagram) -> receive(listener, sender, datagram));
        self = bound;
        injector.addDatagramNode(bound);
        injector.register(lanes);
        return bound;
    }

    @Override
    public int maxDatagramSize() {
        return inner.maxDatagramSize();
    }

    @Override
    public void afterPendingReads(Runnable task) {
        inner.afterPendingReads(task);
    }

    @Override
    public void send(InetSocketAddress to, ByteBuffer datagram) {
        InetSocketAddress from = self;
        if (from == null || injector.isClosed()) {
            inner.send(to, datagram);
            return;
        }
        long verdict = injector.rules().verdict(from, to, true);
        if (verdict == Rules.DROP || injector.lose(from, to)) {
            injector.countDropped();
            return;
        }
        forward(from, to, verdict, datagram, d -> inner.send(to, d));
    }

    private void receive(Listener listener, InetSocketAddress sender, ByteBuffer datagram) {
        InetSocketAddress to = self;
        if (to == null || injector.isClosed()) {
            listener.onDatagram(sender, datagram);
            return;
        }
        long verdict = injector.rules().verdict(sender, to, true);
        boolean wrappedSender = injector.isDatagramNode(sender);
        if (wrappedSender && verdict > 0) {
            verdict = 0;                 // its wrapper delayed it already; a hold or a drop still counts here
        }
        if (verdict == Rules.DROP || (!wrappedSender && injector.lose(sender, to))) {
            injector.countDropped();
            return;
        }
        forward(sender, to, verdict, datagram, d -> listener.onDatagram(sender, d));
    }

    /**
     * Delivers now when nothing waits on the lane and the verdict is to pass at once; otherwise queues a
     * copy behind what waits, or drops it when the lane is full.
     */
    private void forward(InetSocketAddress from, InetSocketAddress to, long verdict, ByteBuffer datagram,
                         Consumer<ByteBuffer> deliver) {
        if (verdict == 0 && lanes.idle(from, to)) {
            deliver.accept(datagram);
            return;
        }
        Lane lane = lanes.get(from, to);
        ByteBuffer copy = copy(datagram);
        injector.countWaited();
        Lane.Held held = Lane.Held.of(copy.remaining(), () -> deliver.accept(copy), why -> { });
        if (lane.offer(held, Math.max(0, verdict)) != Lane.Offer.QUEUED) {
            injector.countDropped();
        }
    }

    static ByteBuffer copy(ByteBuffer bytes) {
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
        copy.put(bytes.duplicate()).flip();
        return copy;
    }

    @Override
    public void close() {
        InetSocketAddress bound = self;
        if (bound != null) {
            injector.removeDatagramNode(bound);
        }
        injector.unregister(lanes);
        lanes.close("the transport was closed");
        inner.close();
    }
}
