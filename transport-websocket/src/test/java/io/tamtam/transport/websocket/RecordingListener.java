package io.tamtam.transport.websocket;

import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A transport listener that keeps a copy of every frame and every drop reason, and closes streams. */
final class RecordingListener implements StreamTransport.Listener {

    final Queue<byte[]> frames = new ConcurrentLinkedQueue<>();
    final Queue<DropReason> drops = new ConcurrentLinkedQueue<>();

    @Override
    public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.get(b);
        frames.add(b);
    }

    @Override
    public void onStream(StreamChannel stream) {
        stream.close();
    }

    @Override
    public void onDropped(InetSocketAddress remote, DropReason reason) {
        drops.add(reason);
    }
}
