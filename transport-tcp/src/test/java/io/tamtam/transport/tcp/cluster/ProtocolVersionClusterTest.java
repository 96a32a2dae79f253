package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.DropReason;
import io.tamtam.NodeState;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.Packet;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A joiner that speaks an unsupported protocol version is refused with the reason, over the wire, and
 * never becomes a member. The joiner is played by hand with a plain socket and the wire codec.
 */
class ProtocolVersionClusterTest {
    private final Nodes nodes = new Nodes();

    @AfterEach
    void closeNodes() {
        nodes.close();
    }

    @Test
    void aJoinerWithAnotherProtocolVersionIsRefusedWithTheReason() throws Exception {
        Cluster seed = nodes.start();
        InetSocketAddress seedAddress = seed.localNode().address();
        UUID joinerId = UUID.randomUUID();
        PacketCodec codec = new PacketCodec(joinerId, null, Integer.MAX_VALUE, List.of(), 1 << 20);
        try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket socket = new Socket(seedAddress.getAddress(), seedAddress.getPort())) {
            socket.setSoTimeout(10_000);
            InetSocketAddress joinerAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), reserved.getLocalPort());
            MemberInfo joiner = new MemberInfo(joinerId, 0, NodeState.ALIVE, joinerAddress, 9, "", Map.of());
            byte[] join = codec.encode(new Message.PushPull(42, WireFormat.PUSH_PULL_JOIN, List.of(joiner)));

            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(0x54414D54);                   // preface: magic "TAMT"
            out.writeByte(1);                           // version
            out.writeByte(1);                           // kind FRAMES
            out.writeShort(reserved.getLocalPort());    // the joiner's listen port: answers come on this connection
            out.writeInt(join.length);
            out.write(join);
            out.flush();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = in.readInt();
            assertTrue(length > 0 && length < 1 << 16, "frame length " + length);
            byte[] answer = new byte[length];
            in.readFully(answer);
            Packet packet = codec.decode(answer, 0, length);
            assertEquals(seed.localNode().id(), packet.sender());
            Message.Refuse refuse = assertInstanceOf(Message.Refuse.class, packet.messages().get(0));
            assertEquals(42, refuse.requestId());
            assertTrue(refuse.reason().contains("protocol version 9"), refuse.reason());
        }
        assertTrue(seed.stats().dropped(DropReason.INCOMPATIBLE_VERSION) >= 1);
        assertTrue(seed.member(joinerId).isEmpty());
        assertEquals(1, seed.liveMembers().size());
    }
}
