package io.tamtam.benchmarks.workloads;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The baseline for W5: copies a payload over a plain loopback TCP connection, written as a good engineer
 * copies bytes between two threads of one JVM: blocking NIO {@link SocketChannel}s with
 * {@code TCP_NODELAY} (as the stream's connection has), the sender copying each {@link Workloads#CHUNK}
 * of the {@code byte[]} payload into one reused direct buffer and writing it, the receiver reading into a
 * reused 1 MiB direct buffer and copying what it read into a {@code byte[]} (as a stream's reader gets
 * its bytes). README ("W5: the socket copy baseline") compares it with the blocking {@link java.net.Socket}
 * copy it replaced and with other variants. The receiver reads to end of stream, notes when its last read
 * returned and answers one byte. A copy is timed from the first byte written (after the connection is set
 * up) to the last byte read by the receiver, the same end points as the streams it is compared with.
 */
final class RawSocketCopy implements AutoCloseable {
    /** The receiver's read buffer. */
    private static final int READ_BUFFER = 1 << 20;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(Workloads.CHUNK);
    /** When the receiver read the last byte of each copy (nanoTime), one entry per copy. */
    private final BlockingQueue<Long> lastByteRead = new LinkedBlockingQueue<>();

    RawSocketCopy() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        acceptor = new Thread(this::serve, "raw-socket-receiver");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve() {
        ByteBuffer buf = ByteBuffer.allocateDirect(READ_BUFFER);
        byte[] received = new byte[READ_BUFFER];
        while (server.isOpen()) {
            try (SocketChannel s = server.accept()) {
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                long last = System.nanoTime();
                int n;
                while ((n = s.read(buf.clear())) >= 0) {
                    buf.flip().get(received, 0, n);
                    last = System.nanoTime();
                }
                lastByteRead.add(last);
                s.write(ByteBuffer.wrap(new byte[] {1}));
            } catch (IOException e) {
                if (server.isOpen()) {
                    Results.log("raw socket receiver: " + e);
                }
            }
        }
    }

    /**
     * @param payload the bytes to copy
     * @return nanoseconds from the first byte written to the last byte read by the receiver
     * @throws IOException when the copy fails
     */
    long copy(byte[] payload) throws IOException {
        return copy(payload, 1);
    }

    /**
     * @param payload the bytes to copy
     * @param times   how many times the payload is written, one after the other, on one connection
     * @return nanoseconds from the first byte written to the last byte read by the receiver
     * @throws IOException when the copy fails
     */
    long copy(byte[] payload, int times) throws IOException {
        lastByteRead.clear();
        long t0;
        try (SocketChannel s = SocketChannel.open(server.getLocalAddress())) {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            t0 = System.nanoTime();
            for (int t = 0; t < times; t++) {
                for (int off = 0; off < payload.length; off += Workloads.CHUNK) {
                    sendBuffer.clear();
                    sendBuffer.put(payload, off, Math.min(Workloads.CHUNK, payload.length - off)).flip();
                    while (sendBuffer.hasRemaining()) {
                        s.write(sendBuffer);
                    }
                }
            }
            s.shutdownOutput();
            ByteBuffer ack = ByteBuffer.allocate(1);
            while (ack.hasRemaining() && s.read(ack) >= 0) {
                // the receiver answers once it has read everything
            }
            if (ack.hasRemaining() || ack.get(0) != 1) {
                throw new IOException("raw socket receiver did not acknowledge");
            }
        }
        return awaitLastByte(lastByteRead) - t0;
    }

    /**
     * @param lastByteRead where a receiver puts the time it read its last byte
     * @return that time
     * @throws IOException when none came within 30 seconds
     */
    static long awaitLastByte(BlockingQueue<Long> lastByteRead) throws IOException {
        try {
            Long last = lastByteRead.poll(30, TimeUnit.SECONDS);
            if (last == null) {
                throw new IOException("the receiver did not report its last read");
            }
            return last;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the receiver", e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
