package io.tamtam.internal.wire;

import io.tamtam.NodeState;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One message of every type, with field values that exercise signs, both address families and UTF-8. */
final class SampleMessages {
    static final UUID A = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
    static final UUID B = UUID.fromString("fedcba98-7654-3210-89ab-cdef01234567");

    private SampleMessages() {
    }

    /** @return a member with metadata and an IPv6 address */
    static MemberInfo member(UUID id, NodeState state, long incarnation) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("zone", "eu-west-1a");
        meta.put("größe", "ß".repeat(20));
        return new MemberInfo(id, incarnation, state, new InetSocketAddress("2001:db8::7", 65535), 2, "app-2.3.4", meta);
    }

    /**
     * @param payloadSize bytes of each blob; large values make the messages compressible
     * @return one message of each type, in type-byte order
     */
    static List<Message> all(int payloadSize) {
        byte[] payload = text(payloadSize);
        String longText = new String(text(Math.min(payloadSize, 60_000)), StandardCharsets.UTF_8);
        return List.of(
                new Message.Ping(Integer.MIN_VALUE, B),
                new Message.PingReq(-1, B, new InetSocketAddress("10.1.2.3", 1), false),
                new Message.Ack(0),
                new Message.Nack(Integer.MAX_VALUE),
                new Message.Alive(member(A, NodeState.ALIVE, Long.MAX_VALUE)),
                new Message.Suspect(B, Long.MIN_VALUE, A),
                new Message.Dead(B, 0, B),
                new Message.Broadcast(A, -42, 0xFFFF, payload),
                new Message.User(128, payload),
                new Message.PushPull(-7, WireFormat.PUSH_PULL_REPLY, List.of(
                        member(A, NodeState.ALIVE, 1),
                        member(B, NodeState.SUSPECT, 2),
                        new MemberInfo(new UUID(1, 2), 3, NodeState.DEAD, new InetSocketAddress("127.0.0.1", 0), 2, "", Map.of()),
                        new MemberInfo(new UUID(0, 0), 4, NodeState.LEFT, new InetSocketAddress("::1", 80), 255, "x", Map.of("", "")))),
                new Message.Refuse(3, longText),
                new Message.Reliable(Long.MAX_VALUE, -5L, 1L, 200, payload),
                new Message.ReliableAck(5, WireFormat.STATUS_OVERLOADED, "übervoll"),
                new Message.Request(Long.MIN_VALUE, 300, payload),
                new Message.Reply(9, WireFormat.STATUS_OK, payload),
                new Message.StreamOpen(0xFFFF, Long.MIN_VALUE),
                new Message.StreamReply(WireFormat.STATUS_OK, "", 42L));
    }

    /** @return compressible ASCII text of n bytes */
    static byte[] text(int n) {
        byte[] seed = "the quick brown fox jumps over the lazy dog; ".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = seed[i % seed.length];
        }
        return out;
    }
}
