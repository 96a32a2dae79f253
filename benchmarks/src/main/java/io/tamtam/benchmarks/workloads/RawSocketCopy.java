package io.tamtam.benchmarks.workloads;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The baseline for W5: copies a payload over a plain loopback {@link Socket}; the receiver reads to end
 * of stream and answers one byte, so a copy ends when all bytes were read.
 */
final class RawSocketCopy implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;

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
                while (in.read(buf) >= 0) {
                    // drain
                }
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
     * @return elapsed nanoseconds, connection set-up included
     * @throws IOException when the copy fails
     */
    long copy(byte[] payload) throws IOException {
        return copy(payload, 1);
    }

    /**
     * @param payload the bytes to copy
     * @param times   how many times the payload is written, one after the other, on one connection
     * @return elapsed nanoseconds, connection set-up included
     * @throws IOException when the copy fails
     */
    long copy(byte[] payload, int times) throws IOException {
        long t0 = System.nanoTime();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            OutputStream out = s.getOutputStream();
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
        return System.nanoTime() - t0;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
