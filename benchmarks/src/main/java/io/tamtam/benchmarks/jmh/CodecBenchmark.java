package io.tamtam.benchmarks.jmh;

import io.tamtam.NodeState;
import io.tamtam.codec.MsgpackCodec;
import io.tamtam.internal.wire.MemberInfo;
import io.tamtam.internal.wire.Message;
import io.tamtam.internal.wire.Packet;
import io.tamtam.internal.wire.PacketCodec;
import io.tamtam.internal.wire.WireException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Encode and decode cost of protocol packets ({@link PacketCodec}) and of a user message (a record
 * through {@link MsgpackCodec}, then a USER packet). Plaintext, uncompressed: the cost of the format
 * itself.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBenchmark {

    /** A user payload of typical shape. */
    public record Order(long id, String customer, int quantity, double price, List<String> tags) {
    }

    private static final int USER_TYPE = 200;

    private PacketCodec codec;
    private MsgpackCodec msgpack;
    private List<byte[]> pingItems;
    private Message pushPull;
    private Order order;
    private byte[] pingPacket;
    private byte[] pushPullPacket;
    private byte[] userPacket;

    /** Builds the messages and their encoded forms once per trial. */
    @Setup
    public void setup() throws IOException {
        codec = new PacketCodec(UUID.randomUUID(), null, Integer.MAX_VALUE, List.of(), 16 << 20);
        msgpack = new MsgpackCodec();
        pingItems = new ArrayList<>();
        pingItems.add(PacketCodec.item(new Message.Ping(42, UUID.randomUUID())));
        for (int i = 0; i < 6; i++) {
            pingItems.add(PacketCodec.item(new Message.Alive(member(i))));
        }
        List<MemberInfo> members = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            members.add(member(i));
        }
        pushPull = new Message.PushPull(7, 0, members);
        order = new Order(123_456_789L, "customer-17", 3, 19.99, List.of("express", "gift"));
        pingPacket = codec.encodeItems(pingItems);
        pushPullPacket = codec.encode(pushPull);
        userPacket = codec.encode(new Message.User(USER_TYPE, msgpack.encode(order)));
    }

    private static MemberInfo member(int i) {
        return new MemberInfo(UUID.randomUUID(), i, NodeState.ALIVE,
                new InetSocketAddress("127.0.0.1", 7000 + i), 2, "1.0.0", Map.of("zone", "z" + (i % 3)));
    }

    /** @return a PING compound packet with six piggybacked ALIVE items */
    @Benchmark
    public byte[] encodePingCompound() {
        return codec.encodeItems(pingItems);
    }

    /**
     * @param bh consumes the packet
     * @throws WireException never; the packet is well formed
     */
    @Benchmark
    public void decodePingCompound(Blackhole bh) throws WireException {
        bh.consume(codec.decode(pingPacket, 0, pingPacket.length));
    }

    /** @return a PUSH_PULL packet with 128 members */
    @Benchmark
    public byte[] encodePushPull128() {
        return codec.encode(pushPull);
    }

    /**
     * @param bh consumes the packet
     * @throws WireException never; the packet is well formed
     */
    @Benchmark
    public void decodePushPull128(Blackhole bh) throws WireException {
        bh.consume(codec.decode(pushPullPacket, 0, pushPullPacket.length));
    }

    /**
     * @return the USER packet carrying the msgpack-encoded record
     * @throws IOException never; the record is supported
     */
    @Benchmark
    public byte[] encodeUserMessage() throws IOException {
        return codec.encode(new Message.User(USER_TYPE, msgpack.encode(order)));
    }

    /**
     * @param bh consumes the decoded record
     * @throws IOException   never; the payload is well formed
     * @throws WireException never; the packet is well formed
     */
    @Benchmark
    public void decodeUserMessage(Blackhole bh) throws IOException, WireException {
        Packet p = codec.decode(userPacket, 0, userPacket.length);
        Message.User u = (Message.User) p.messages().get(0);
        bh.consume(msgpack.decode(u.payload(), 0, u.payload().length, Order.class));
    }
}
