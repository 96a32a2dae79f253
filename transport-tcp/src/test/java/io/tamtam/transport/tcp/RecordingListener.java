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
    /** Frames that arrived in two parts ({@link #largeFrameTail}), by their index in {@link #frames}. */
    final List<Integer> split = new CopyOnWriteArrayList<>();
    /**
     * When set, a large frame's tail is asked for by its first two bytes: the head's length, or 0xFFFF for
     * no tail, or 0xFFFE for a tail longer than the frame.
     */
    volatile boolean tails;

    @Override
    public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
        byte[] copy = new byte[frame.remaining()];
        frame.get(copy);
        frames.add(copy);
        frameSenders.add(remote);
    }

    @Override
    public byte[] largeFrameTail(InetSocketAddress remote, ByteBuffer head, int frameLength) {
        if (!tails) {
            return null;
        }
        int headLength = head.getShort(head.position()) & 0xFFFF;
        if (headLength == 0xFFFF) {
            return null;
        }
        return new byte[headLength == 0xFFFE ? frameLength + 1 : frameLength - headLength];
    }

    @Override
    public void onLargeFrame(InetSocketAddress remote, ByteBuffer head, byte[] tail, Runnable release) {
        split.add(frames.size());
        StreamTransport.Listener.super.onLargeFrame(remote, head, tail, release);
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
