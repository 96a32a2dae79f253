package io.tamtam.transport.tcp.cluster;

import io.tamtam.NodeState;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.Packet;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireException;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A node played by hand with a plain socket and the wire codec: it holds a loopback port as its listen
 * address, opens a FRAMES connection to a real node (so that the node answers on that connection) and
 * exchanges packets on it. Closes both sockets.
 */
final class HandPlayedPeer implements AutoCloseable {
    private final UUID id = UUID.randomUUID();
    private final PacketCodec codec = new PacketCodec(id, null, Integer.MAX_VALUE, List.of(), 1 << 20);
    private final ServerSocket reserved;
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    /** @param node the address of the real node to connect to */
    HandPlayedPeer(InetSocketAddress node) throws IOException {
        reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        try {
            socket = new Socket(node.getAddress(), node.getPort());
            socket.setSoTimeout(10_000);
            out = new DataOutputStream(socket.getOutputStream());
            in = new DataInputStream(socket.getInputStream());
            out.writeInt(0x54414D54);                   // preface: magic "TAMT"
            out.writeByte(1);                           // version
            out.writeByte(1);                           // kind FRAMES
            out.writeShort(reserved.getLocalPort());    // the listen port: answers come on this connection
        } catch (IOException e) {
            reserved.close();
            throw e;
        }
    }

    /** @return this peer's node id */
    UUID id() {
        return id;
    }

    /** @param protocolVersion the version it announces @return this peer's member record, ALIVE at incarnation 0 */
    MemberInfo record(int protocolVersion) {
        return new MemberInfo(id, 0, NodeState.ALIVE,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), reserved.getLocalPort()), protocolVersion, "", Map.of());
    }

    /** @param m a message, sent as one frame */
    void send(Message m) throws IOException {
        byte[] packet = codec.encode(m);
        out.writeInt(packet.length);
        out.write(packet);
        out.flush();
    }

    /** @return the next frame the node sends on the connection, decoded; fails after 10 s without one */
    Packet receive() throws IOException, WireException {
        int length = in.readInt();
        if (length <= 0 || length >= 1 << 16) {
            throw new IOException("frame length " + length);
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return codec.decode(frame, 0, length);
    }

    @Override
    public void close() throws IOException {
        try {
            socket.close();
        } finally {
            reserved.close();
        }
    }
}
