package io.tamtam.transport.tcp;

import io.netty.buffer.Unpooled;
import io.tamtam.DropReason;
import io.tamtam.spi.StreamChannel;
import io.tamtam.spi.StreamTransport;
import io.tamtam.spi.TransportOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames of sizes around the decoder's thresholds, cut into random reads on up to three connections at
 * once, to a listener that takes a random tail (none, one that does not fit, or one after a random head)
 * and keeps some frames for a while: every frame arrives whole and in order on its connection, a kept
 * frame is unchanged until released (the spare buffer moves between connections meanwhile), the budget
 * always covers the buffers the kept frames hold, and it is back to 0 after each round, once every frame was released and
 * every connection closed, some of them in the middle of a frame.
 */
class FrameDecoderRandomTest {

    private static final int MAX = 4 << 20;
    private static final int FULL = FrameDecoder.FULL_BUFFER_AFTER;
    private static final int[] SIZES = {0, 10, 64 * 1024, 64 * 1024 + 1, 200_000, FULL - 1, FULL, FULL + 1,
            FULL + 7, 2 * FULL, 3 * FULL + 5, MAX};

    private final Transports transports = new Transports();
    private final ArrayDeque<Runnable> kept = new ArrayDeque<>();
    private final List<byte[]> received = new ArrayList<>();
    private long keptBytes;
    private int twoParts;
    private SplittableRandom random;

    @AfterEach
    void close() throws Exception {
        transports.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void everyFrameArrivesWholeAndTheBudgetComesBack(long seed) throws Exception {
        random = new SplittableRandom(seed);
        TcpTransport t = transports.add(new TcpTransport(new TransportOptions(1400, MAX, Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofSeconds(30))
                .withInboundLimits(Duration.ofSeconds(5), 1, Duration.ofSeconds(600), 1024, 1024, 64 << 20)));
        t.bind(new InetSocketAddress("127.0.0.1", 0), listener());
        int frames = 0;
        for (int round = 0; round < 25; round++) {
            frames += round(t);
            assertEquals(0, t.inboundBufferReserved());
        }
        assertTrue(twoParts > 10, () -> twoParts + " frames in two parts");
        int sent = frames;
        assertTrue(sent > 100, () -> sent + " frames");
    }

    /** @return the frames sent in this round */
    private int round(TcpTransport t) {
        int connections = 1 + random.nextInt(3);
        List<FuzzChannels.Connection> channels = new ArrayList<>();
        List<ByteBuffer> bytes = new ArrayList<>();
        List<List<byte[]>> sent = new ArrayList<>();
        List<List<byte[]>> got = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            channels.add(new FuzzChannels.Connection().with(new FrameDecoder(t)));
            List<byte[]> frames = new ArrayList<>();
            int length = 0;
            for (int f = 1 + random.nextInt(4); f > 0; f--) {
                byte[] frame = new byte[SIZES[random.nextInt(SIZES.length)]];
                random.nextBytes(frame);
                frames.add(frame);
                length += 4 + frame.length;
            }
            ByteBuffer all = ByteBuffer.allocate(length);
            frames.forEach(frame -> all.putInt(frame.length).put(frame));
            bytes.add(all.flip());
            sent.add(frames);
            got.add(new ArrayList<>());
        }
        for (boolean any = true; any; ) {
            any = false;
            for (int c = 0; c < connections; c++) {
                ByteBuffer left = bytes.get(c);
                if (!left.hasRemaining()) {
                    continue;
                }
                any = true;
                byte[] read = new byte[Math.min(left.remaining(), 1 + random.nextInt(random.nextBoolean() ? 100 : 300_000))];
                left.get(read);
                received.clear();
                channels.get(c).writeInbound(Unpooled.wrappedBuffer(read));
                channels.get(c).checkException();
                got.get(c).addAll(received);
                assertTrue(t.inboundBufferReserved() >= keptBytes,
                        () -> t.inboundBufferReserved() + " bytes reserved while kept frames hold " + keptBytes + " bytes");
                if (random.nextInt(3) == 0) {
                    releaseSome();
                }
            }
        }
        int frames = 0;
        for (int c = 0; c < connections; c++) {
            assertEquals(sent.get(c).size(), got.get(c).size());
            for (int i = 0; i < sent.get(c).size(); i++) {
                assertArrayEquals(sent.get(c).get(i), got.get(c).get(i));
            }
            frames += sent.get(c).size();
            if (random.nextBoolean()) { // cut in the middle of a frame over 1 MiB
                channels.get(c).writeInbound(Unpooled.wrappedBuffer(
                        ByteBuffer.allocate(4 + 2_000_000).putInt(3 * FULL).array()));
            }
            channels.get(c).finishAndReleaseAll();
        }
        // Frames are kept within a round only, so the budget (64 MiB) never makes a frame wait.
        while (!kept.isEmpty()) {
            kept.poll().run();
        }
        return frames;
    }

    private void keep(int length, Runnable release) {
        if (random.nextInt(3) == 0) {
            release.run();
            return;
        }
        keptBytes += length;
        kept.add(() -> {
            keptBytes -= length;
            release.run();
        });
    }

    private void releaseSome() {
        for (int n = random.nextInt(kept.size() + 1); n > 0; n--) {
            kept.poll().run();
        }
    }

    private StreamTransport.Listener listener() {
        return new StreamTransport.Listener() {
            @Override
            public void onFrame(InetSocketAddress remote, ByteBuffer frame) {
                byte[] copy = new byte[frame.remaining()];
                frame.get(copy);
                received.add(copy);
            }

            @Override
            public void onLargeFrame(InetSocketAddress remote, ByteBuffer frame, Runnable release) {
                byte[] copy = new byte[frame.remaining()];
                frame.duplicate().get(copy);
                received.add(copy);
                // What the frame holds: the whole buffer its bytes are in, which may be the spare.
                int held = frame.hasArray() ? frame.array().length : copy.length;
                keep(held, () -> {
                    byte[] again = new byte[frame.remaining()];
                    frame.duplicate().get(again);
                    assertArrayEquals(copy, again, "a kept frame changed before its release");
                    release.run();
                });
            }

            @Override
            public byte[] largeFrameTail(InetSocketAddress remote, ByteBuffer head, int frameLength) {
                int choice = random.nextInt(4);
                if (choice == 0) {
                    return null;
                }
                if (choice == 1 && random.nextInt(4) == 0) {
                    return new byte[frameLength + 1]; // does not fit: received whole
                }
                int headSize = random.nextInt(head.remaining() + 1);
                return headSize == frameLength ? null : new byte[frameLength - headSize];
            }

            @Override
            public void onLargeFrame(InetSocketAddress remote, ByteBuffer head, byte[] tail, Runnable release) {
                twoParts++;
                byte[] whole = new byte[head.remaining() + tail.length];
                head.duplicate().get(whole, 0, head.remaining());
                System.arraycopy(tail, 0, whole, whole.length - tail.length, tail.length);
                received.add(whole);
                keep(whole.length, release);
            }

            @Override
            public void onStream(StreamChannel stream) {
                stream.close();
            }

            @Override
            public void onDropped(InetSocketAddress remote, DropReason reason) {
                throw new AssertionError("dropped: " + reason);
            }
        };
    }
}
