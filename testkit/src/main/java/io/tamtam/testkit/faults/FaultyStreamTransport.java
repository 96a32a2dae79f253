package io.tamtam.testkit.faults;

import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** A real stream transport under the faults of an injector; see {@link FaultInjector}. */
final class FaultyStreamTransport implements StreamTransport {

    private final FaultInjector injector;
    private final StreamTransport inner;
    private final Lanes lanes;
    private volatile InetSocketAddress self;

    FaultyStreamTransport(FaultInjector injector, StreamTransport inner) {
        this.injector = injector;
        this.inner = inner;
        this.lanes = new Lanes(injector, false);
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address, Listener listener) throws IOException {
        InetSocketAddress bound = inner.bind(address, new Inbound(listener));
        self = bound;
        injector.register(lanes);
        return bound;
    }

    @Override
    public int maxFrameSize() {
        return inner.maxFrameSize();
    }

    @Override
    public CompletableFuture<Void> sendFrame(InetSocketAddress to, ByteBuffer frame) {
        InetSocketAddress from = self;
        if (from == null || injector.isClosed()) {
            return inner.sendFrame(to, frame);
        }
        long verdict = injector.rules().verdict(from, to, false);
        if (verdict == Rules.DROP) {
            injector.countDropped();
            return CompletableFuture.failedFuture(cut(from, to));
        }
        if (verdict == 0 && lanes.idle(from, to)) {
            return inner.sendFrame(to, frame);
        }
        Lane lane = lanes.get(from, to);
        ByteBuffer copy = FaultyDatagramTransport.copy(frame);
        CompletableFuture<Void> result = new CompletableFuture<>();
        hold(lane, verdict, copy.remaining(), result,
                () -> inner.sendFrame(to, copy).whenComplete((v, e) -> complete(result, v, e)));
        return result;
    }

    @Override
    public CompletableFuture<StreamChannel> openStream(InetSocketAddress to) {
        InetSocketAddress from = self;
        if (from == null || injector.isClosed()) {
            return inner.openStream(to);
        }
        long verdict = injector.rules().verdict(from, to, false);
        if (verdict == Rules.DROP) {
            injector.countDropped();
            return CompletableFuture.failedFuture(cut(from, to));
        }
        CompletableFuture<StreamChannel> result = new CompletableFuture<>();
        Runnable open = () -> inner.openStream(to).whenComplete((channel, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else if (!result.complete(new GatedStreamChannel(injector, channel, from, to))) {
                channel.close();
            }
        });
        if (verdict == 0 && lanes.idle(from, to)) {
            open.run();
        } else {
            hold(lanes.get(from, to), verdict, 0, result, open);
        }
        return result;
    }

    private void hold(Lane lane, long verdict, int bytes, CompletableFuture<?> result, Runnable deliver) {
        injector.countWaited();
        Lane.Held held = Lane.Held.of(bytes, deliver, why -> result.completeExceptionally(new IOException(why)));
        Lane.Offer offer = lane.offer(held, Math.max(0, verdict));
        if (offer != Lane.Offer.QUEUED) {
            injector.countDropped();
            result.completeExceptionally(new IOException(offer == Lane.Offer.CLOSED ? "the transport was closed"
                    : "the fault injector holds " + FaultInjector.MAX_HELD_PER_LINK + " items or "
                    + FaultInjector.MAX_HELD_BYTES_PER_LINK + " bytes on the link " + lane.name()
                    + " already; heal or thaw it"));
        }
    }

    private static void complete(CompletableFuture<Void> result, Void value, Throwable failure) {
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(value);
        }
    }

    private static IOException cut(InetSocketAddress from, InetSocketAddress to) {
        return new IOException("the fault injector cuts the link " + from + " -> " + to);
    }

    @Override
    public void close() {
        injector.unregister(lanes);
        lanes.close("the transport was closed");
        inner.close();
    }

    /**
     * Inbound traffic. A frame or stream names only the connection's remote end, not its sender's node,
     * so here only the receiving node's own faults apply; the sender's wrapper applied the link's.
     */
    private final class Inbound implements Listener {
        private final Listener listener;

        Inbound(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
            InetSocketAddress to = self;
            if (to == null || injector.isClosed()) {
                listener.onFrame(remote, frame);
                return;
            }
            long verdict = injector.rules().verdict(remote, to, false);
            if (verdict == Rules.DROP) {
                injector.countDropped();
                return;
            }
            if (verdict >= 0 && lanes.idle(remote, to)) {
                listener.onFrame(remote, frame);      // a delay was applied by the sender's wrapper
                return;
            }
            Lane lane = lanes.get(remote, to);
            ByteBuffer copy = FaultyDatagramTransport.copy(frame);
            injector.countWaited();
            if (lane.offer(Lane.Held.of(copy.remaining(), () -> listener.onFrame(remote, copy), why -> { }), 0)
                    != Lane.Offer.QUEUED) {
                injector.countDropped();
                listener.onDropped(remote, DropReason.QUEUE_FULL);
            }
        }

        @Override
        public void onStream(StreamChannel stream) {
            InetSocketAddress to = self;
            if (to == null || injector.isClosed()) {
                listener.onStream(stream);
                return;
            }
            StreamChannel gated = new GatedStreamChannel(injector, stream, to, stream.remoteAddress());
            long verdict = injector.rules().verdict(stream.remoteAddress(), to, false);
            if (verdict == Rules.DROP) {
                injector.countDropped();
                stream.close();
                return;
            }
            if (verdict >= 0 && lanes.idle(stream.remoteAddress(), to)) {
                listener.onStream(gated);
                return;
            }
            Lane lane = lanes.get(stream.remoteAddress(), to);
            injector.countWaited();
            if (lane.offer(Lane.Held.of(0, () -> listener.onStream(gated), why -> stream.close()), 0)
                    != Lane.Offer.QUEUED) {
                injector.countDropped();
                stream.close();
            }
        }

        @Override
        public void onDropped(InetSocketAddress remote, DropReason reason) {
            listener.onDropped(remote, reason);
        }
    }
}
