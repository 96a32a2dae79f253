package io.tamtam.transport.tcp;

import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What the TCP decoders' fuzz targets share: an embedded connection, a listener, a frame parser. */
final class FuzzChannels {
    static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 40_000);

    private FuzzChannels() {
    }

    /** An embedded channel with a loopback remote address and heap buffers, so that allocation is measured. */
    static final class Connection extends EmbeddedChannel {
        Connection() {
            config().setAllocator(new UnpooledByteBufAllocator(false));
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return REMOTE;
        }

        /**
         * @param handler the decoder
         * @return this, with the decoder last in its pipeline
         */
        Connection with(ChannelHandler handler) {
            pipeline().addLast(handler);
            return this;
        }

        /**
         * Writes the bytes in chunks of {@code chunk} bytes, as reads from a socket would deliver them.
         *
         * @param bytes the bytes
         * @param chunk bytes per read, at least 1
         */
        void receive(byte[] bytes, int chunk) {
            for (int at = 0; at < bytes.length && isOpen(); at += chunk) {
                writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + chunk))));
            }
            checkException();
        }
    }

    /**
     * Records what the decoders hand over, for one input at a time ({@link #clear()} between inputs):
     * every frame written back as it travelled, length prefix and bytes, so that the record is the part
     * of the input that held complete frames.
     */
    static final class Listener implements StreamTransport.Listener {
        final ByteArrayOutputStream frames = new ByteArrayOutputStream();
        final List<DropReason> drops = new ArrayList<>();
        final List<StreamChannel> streams = new ArrayList<>();

        @Override
        public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
            int n = frame.remaining();
            frames.write(n >>> 24);
            frames.write(n >>> 16);
            frames.write(n >>> 8);
            frames.write(n);
            byte[] copy = new byte[n];
            frame.get(copy);
            frames.writeBytes(copy);
        }

        @Override
        public void onStream(StreamChannel stream) {
            streams.add(stream);
        }

        @Override
        public void onDropped(InetSocketAddress remote, DropReason reason) {
            drops.add(reason);
        }

        void clear() {
            frames.reset();
            drops.clear();
            streams.forEach(StreamChannel::close);
            streams.clear();
        }
    }

    /**
     * What PROTOCOL.md §12.2 says a byte sequence on a FRAMES connection holds.
     *
     * @param frames    the leading bytes that form complete frames (prefixes included), all delivered
     * @param oversized whether a length over the limit follows them, so the connection must be refused
     */
    record Expected(byte[] frames, boolean oversized) {
    }

    /**
     * @param bytes        what follows the preface on a FRAMES connection
     * @param maxFrameSize the limit
     * @return the complete frames up to the first one over the limit, and whether there is one
     */
    static Expected frames(byte[] bytes, int maxFrameSize) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int end = 0;
        while (b.remaining() >= 4) {
            long length = b.getInt() & 0xFFFFFFFFL;
            if (length > maxFrameSize) {
                return new Expected(Arrays.copyOf(bytes, end), true);
            }
            if (length > b.remaining()) {
                break;
            }
            b.position(b.position() + (int) length);
            end = b.position();
        }
        return new Expected(Arrays.copyOf(bytes, end), false);
    }
}
