package io.tamtam.transport.websocket;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written RFC 6455 client on a plain socket, for what a well-behaved client library will not do:
 * fragment at will, send pings without reading, never read at all. Frames are masked with a zero key.
 */
final class RawWebSocket implements AutoCloseable {

    static final int BINARY = 0x2;
    static final int CONTINUATION = 0x0;
    static final int PING = 0x9;

    private final Socket socket;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    /**
     * Connects and upgrades; the socket's receive buffer is small, so a peer that writes to it soon finds
     * it full.
     *
     * @param at          the transport's address
     * @param subprotocol the subprotocol asked for
     * @return the upgraded connection
     * @throws IOException when the upgrade is not answered with 101
     */
    static RawWebSocket upgrade(InetSocketAddress at, String subprotocol) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(4096);
            socket.connect(at, 5000);
            socket.setSoTimeout(10_000);
            RawWebSocket ws = new RawWebSocket(socket);
            ws.out.write(("GET " + WebSocketConfig.DEFAULT_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ws.out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder response = new StringBuilder();
            while (!response.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed during the upgrade: " + response);
                }
                response.append((char) c);
            }
            if (!response.toString().startsWith("HTTP/1.1 101")) {
                throw new IOException("upgrade refused: " + response);
            }
            return ws;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * @param opcode  the frame's opcode
     * @param fin     whether it is the last frame of its message
     * @param payload what it carries (at most 65,535 bytes)
     * @return the frame's bytes, masked with a zero key
     */
    static byte[] frame(int opcode, boolean fin, int payload) {
        int lengthBytes = payload <= 125 ? 0 : 2;
        byte[] f = new byte[2 + lengthBytes + 4 + payload];
        f[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        if (lengthBytes == 0) {
            f[1] = (byte) (0x80 | payload);
        } else {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (payload >> 8);
            f[3] = (byte) payload;
        }
        return f;
    }

    /** @param bytes written (buffered; sent when the buffer fills or on {@link #flush}) */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
