package io.tamtam.transport.tcp.cluster;

import io.tamtam.Cluster;
import io.tamtam.DropReason;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.Packet;
import io.tamtam.internal.wire.WireFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
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

    /** 1: the version before the wire changes of version 2 (PROTOCOL.md §10); 9: one from the future. */
    @ParameterizedTest(name = "protocol version {0}")
    @ValueSource(ints = {1, 9})
    void aJoinerWithAnotherProtocolVersionIsRefusedWithTheReason(int version) throws Exception {
        Cluster seed = nodes.start();
        UUID joinerId;
        try (HandPlayedPeer joiner = new HandPlayedPeer(seed.localNode().address())) {
            joinerId = joiner.id();
            joiner.send(new Message.PushPull(42, WireFormat.PUSH_PULL_JOIN, List.of(joiner.record(version))));
            Packet packet = joiner.receive();
            assertEquals(seed.localNode().id(), packet.sender());
            Message.Refuse refuse = assertInstanceOf(Message.Refuse.class, packet.messages().get(0));
            assertEquals(42, refuse.requestId());
            assertTrue(refuse.reason().contains("protocol version " + version), refuse.reason());
        }
        assertTrue(seed.stats().dropped(DropReason.INCOMPATIBLE_VERSION) >= 1);
        assertTrue(seed.member(joinerId).isEmpty());
        assertEquals(1, seed.liveMembers().size());
    }
}
