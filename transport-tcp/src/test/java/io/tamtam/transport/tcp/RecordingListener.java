package io.tamtam.transport.tcp;

import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/** Records what a transport delivers: frame copies, drops, failures and inbound streams. */
final class RecordingListener implements StreamTransport.Listener {

    final List<byte[]> frames = new CopyOnWriteArrayList<>();
    final List<InetSocketAddress> frameSenders = new CopyOnWriteArrayList<>();
    final List<DropReason> drops = new CopyOnWriteArrayList<>();
    final BlockingQueue<StreamChannel> streams = new LinkedBlockingQueue<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    @Override
    public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
        byte[] copy = new byte[frame.remaining()];
        frame.get(copy);
        frames.add(copy);
        frameSenders.add(remote);
    }

    @Override
    public void onStream(StreamChannel stream) {
        streams.add(stream);
    }

    @Override
    public void onDropped(InetSocketAddress remote, DropReason reason) {
        drops.add(reason);
    }

    @Override
    public void onFailure(String context, Throwable error) {
        failures.add(context + ": " + error);
    }
}
