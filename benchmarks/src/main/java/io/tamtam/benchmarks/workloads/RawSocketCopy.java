package io.tamtam.benchmarks.workloads;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The baseline for W5: copies a payload over a plain loopback {@link Socket}; the receiver reads to end
 * of stream, notes when its last read returned and answers one byte. A copy is timed from the first byte
 * written (after the connection is set up) to the last byte read by the receiver, the same end points as
 * the streams it is compared with.
 */
final class RawSocketCopy implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;
    /** When the receiver read the last byte of each copy (nanoTime), one entry per copy. */
    private final BlockingQueue<Long> lastByteRead = new LinkedBlockingQueue<>();

    RawSocketCopy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "raw-socket-receiver");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve() {
        byte[] buf = new byte[Workloads.CHUNK];
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                long last = System.nanoTime();
                while (in.read(buf) >= 0) {
                    last = System.nanoTime();
                }
                lastByteRead.add(last);
                s.getOutputStream().write(1);
                s.getOutputStream().flush();
            } catch (IOException e) {
                if (!server.isClosed()) {
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
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            OutputStream out = s.getOutputStream();
            t0 = System.nanoTime();
            for (int t = 0; t < times; t++) {
                for (int off = 0; off < payload.length; off += Workloads.CHUNK) {
                    out.write(payload, off, Math.min(Workloads.CHUNK, payload.length - off));
                }
            }
            s.shutdownOutput();
            if (s.getInputStream().read() != 1) {
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
