package io.tamtam.internal.wire;

import io.tamtam.DropReason;
import io.tamtam.NodeAddress;
import io.tamtam.NodeState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tamtam.internal.wire.WireFormat.*;

/** Encodes and decodes the fields of each {@link Message}; the type byte is written by the caller. */
public final class MessageCodec {
    /** The states by code, not copied for each record read. */
    private static final NodeState[] STATES = NodeState.values();

    private MessageCodec() {
    }

    /** Smallest encoding of a {@link MemberInfo}, used to bound counts before allocating. */
    static final int MEMBER_INFO_MIN_SIZE = 16 + 8 + 1 + 7 + 1 + 1 + 1;

    /** Bit of a member record's state byte: the address extension follows the metadata. */
    public static final int MEMBER_ADDRESSES_FLAG = 0x80;

    /** Most addresses a member record's address extension carries. */
    public static final int MAX_MEMBER_ADDRESSES = io.tamtam.ClusterConfig.MAX_ADVERTISE_ADDRESSES;

    /**
     * @param m the message
     * @param w where its fields go
     */
    public static void writeFields(Message m, WireWriter w) {
        if (m instanceof Message.Ping p) {
            w.i32(p.seq()).uuid(p.target());
        } else if (m instanceof Message.PingReq p) {
            w.i32(p.seq()).uuid(p.target()).address(p.targetAddress()).u8(p.wantNack() ? 1 : 0);
        } else if (m instanceof Message.Ack a) {
            w.i32(a.seq());
        } else if (m instanceof Message.Nack n) {
            w.i32(n.seq());
        } else if (m instanceof Message.Alive a) {
            writeMember(a.member(), w);
        } else if (m instanceof Message.Suspect s) {
            w.uuid(s.node()).i64(s.incarnation()).uuid(s.from());
        } else if (m instanceof Message.Dead d) {
            w.uuid(d.node()).i64(d.incarnation()).uuid(d.from());
        } else if (m instanceof Message.Broadcast b) {
            w.uuid(b.origin()).i64(b.seq()).u16(b.userType());
            blob(b.payload(), w);
        } else if (m instanceof Message.User u) {
            w.u16(u.userType());
            blob(u.payload(), w);
        } else if (m instanceof Message.PushPull p) {
            w.i32(p.requestId()).u8(p.flags()).i32(p.members().size());
            for (MemberInfo mi : p.members()) {
                writeMember(mi, w);
            }
            if (p.appState() != null) {
                blob(p.appState(), w);
            }
        } else if (m instanceof Message.Refuse r) {
            w.i32(r.requestId()).str16(r.reason());
        } else if (m instanceof Message.Reliable r) {
            w.i64(r.seq()).i64(r.lane()).i64(r.order()).u16(r.userType());
            blob(r.payload(), w);
        } else if (m instanceof Message.ReliableAck a) {
            w.i64(a.seq()).u8(a.status()).str16(a.error());
        } else if (m instanceof Message.Request r) {
            w.i64(r.id()).u16(r.userType());
            blob(r.payload(), w);
        } else if (m instanceof Message.Reply r) {
            w.i64(r.id()).u8(r.status());
            blob(r.body(), w);
        } else if (m instanceof Message.StreamOpen s) {
            w.u16(s.streamType()).i64(s.nonce());
        } else if (m instanceof Message.StreamReply s) {
            w.u8(s.status()).str16(s.error()).i64(s.nonce());
        } else if (m instanceof Message.TransferOffer t) {
            w.uuid(t.id()).str16(t.key()).u16(t.userType()).i64(t.size()).i32(t.partSize()).str16(t.name());
        } else if (m instanceof Message.TransferAccept t) {
            w.uuid(t.id()).u8(t.status()).str16(t.reason());
            blob(t.held(), w);
        } else if (m instanceof Message.TransferPart t) {
            w.uuid(t.id()).i32(t.index()).i32(t.crc());
            blob(t.data(), w);
        } else if (m instanceof Message.TransferPartAck t) {
            w.uuid(t.id()).i32(t.index());
        } else if (m instanceof Message.TransferEnd t) {
            w.uuid(t.id()).i64(t.size());
            blob(t.sha256(), w);
        } else if (m instanceof Message.TransferDone t) {
            w.uuid(t.id()).u8(t.status()).str16(t.reason());
        } else if (m instanceof Message.BroadcastResent b) {
            w.uuid(b.origin()).i64(b.seq()).u16(b.userType());
            blob(b.payload(), w);
        } else if (m instanceof Message.BroadcastTtl b) {
            w.uuid(b.origin()).i64(b.seq()).u16(b.userType()).u8(b.passesLeft()).i64(b.expiresAt());
            blob(b.payload(), w);
        } else if (m instanceof Message.BroadcastDigest d) {
            w.i64(d.lo()).i64(d.hi());
        } else if (m instanceof Message.BroadcastRepair r) {
            w.u16(r.seqs().length);
            for (long seq : r.seqs()) {
                w.i64(seq);
            }
        } else if (m instanceof Message.KeyOp k) {
            w.i32(k.requestId()).u8(k.op()).u16(k.key().length).bytes(k.key(), 0, k.key().length);
        } else if (m instanceof Message.KeyReply k) {
            w.i32(k.requestId()).u8(k.status()).str16(k.error()).u8(k.fingerprints().size());
            for (byte[] f : k.fingerprints()) {
                w.bytes(f, 0, KEY_FINGERPRINT_SIZE);
            }
        } else {
            throw new IllegalArgumentException("no encoding for " + m);
        }
    }

    /**
     * @param m a message
     * @return the payload its fields end with (a length-prefixed blob written last), or {@code null} when
     *         its fields do not end with one
     */
    static byte[] trailingPayload(Message m) {
        if (m instanceof Message.Reliable r) {
            return r.payload();
        } else if (m instanceof Message.Request r) {
            return r.payload();
        } else if (m instanceof Message.Reply r) {
            return r.body();
        } else if (m instanceof Message.User u) {
            return u.payload();
        } else if (m instanceof Message.TransferPart t) {
            return t.data();
        }
        return null;
    }

    /**
     * Writes the fields of a message {@link #trailingPayload} applies to, up to and including the
     * payload's length but not its bytes.
     *
     * @param m a message with a trailing payload
     * @param w the writer
     */
    static void writeFieldsBeforePayload(Message m, WireWriter w) {
        if (m instanceof Message.Reliable r) {
            w.i64(r.seq()).i64(r.lane()).i64(r.order()).u16(r.userType()).i32(r.payload().length);
        } else if (m instanceof Message.Request r) {
            w.i64(r.id()).u16(r.userType()).i32(r.payload().length);
        } else if (m instanceof Message.Reply r) {
            w.i64(r.id()).u8(r.status()).i32(r.body().length);
        } else if (m instanceof Message.User u) {
            w.u16(u.userType()).i32(u.payload().length);
        } else if (m instanceof Message.TransferPart t) {
            w.uuid(t.id()).i32(t.index()).i32(t.crc()).i32(t.data().length);
        } else {
            throw new IllegalArgumentException(m.getClass().getSimpleName() + " has no trailing payload");
        }
    }

    /**
     * @param type a message type
     * @return the size of the fields before the payload's length of a message type {@link #trailingPayload}
     *         applies to (what {@link #writeFieldsBeforePayload} writes, less the 4-byte length), or -1 for
     *         the other types
     */
    static int fieldsBeforePayload(int type) {
        return switch (type) {
            case RELIABLE -> 8 + 8 + 8 + 2;
            case REQUEST -> 8 + 2;
            case REPLY -> 8 + 1;
            case USER -> 2;
            case TRANSFER_PART -> 16 + 4 + 4;
            default -> -1;
        };
    }

    /**
     * @param type a message type {@link #fieldsBeforePayload} applies to
     * @return where its user type (a {@code u16}) sits among those fields, or -1 when it has none
     */
    static int userTypeOffset(int type) {
        return switch (type) {
            case RELIABLE -> 8 + 8 + 8;
            case REQUEST -> 8;
            case USER -> 0;
            default -> -1;
        };
    }

    private static void blob(byte[] b, WireWriter w) {
        w.i32(b.length).bytes(b, 0, b.length);
    }

    private static byte[] blob(WireReader r) throws WireException {
        return r.bytes(blobLength(r));
    }

    /** A user message's payload: see {@link WireReader#payload}. */
    private static byte[] blob(WireReader r, int userType) throws WireException {
        return r.payload(blobLength(r), userType);
    }

    private static int blobLength(WireReader r) throws WireException {
        int n = r.i32();
        if (n < 0 || n > r.remaining()) {
            throw new WireException(DropReason.TRUNCATED, "payload length " + n + " exceeds the " + r.remaining() + " bytes left");
        }
        return n;
    }

    /**
     * @param mi the member
     * @param w  where it goes
     */
    public static void writeMember(MemberInfo mi, WireWriter w) {
        List<NodeAddress> addresses = mi.addresses();
        if (addresses.size() > MAX_MEMBER_ADDRESSES) {
            throw new IllegalArgumentException(addresses.size() + " addresses exceed " + MAX_MEMBER_ADDRESSES);
        }
        int state = mi.state().ordinal() | (addresses.isEmpty() ? 0 : MEMBER_ADDRESSES_FLAG);
        w.uuid(mi.id()).i64(mi.incarnation()).u8(state).address(mi.address())
                .u8(mi.protocolVersion()).str8(mi.applicationVersion());
        w.u8(mi.metadata().size());
        for (Map.Entry<String, String> e : mi.metadata().entrySet()) {
            w.str8(e.getKey()).str16(e.getValue());
        }
        if (!addresses.isEmpty()) {
            w.u8(addresses.size());
            for (NodeAddress a : addresses) {
                w.str8(a.toString());
            }
        }
    }

    private static List<NodeAddress> readAddresses(WireReader r) throws WireException {
        int n = r.u8();
        if (n == 0 || n > MAX_MEMBER_ADDRESSES) {
            throw new WireException(DropReason.MALFORMED, "member address extension of " + n + " addresses, not 1 to " + MAX_MEMBER_ADDRESSES);
        }
        NodeAddress[] out = new NodeAddress[n];
        int bytes = 1;
        for (int i = 0; i < n; i++) {
            int start = r.position();
            String text = r.str8();
            bytes += r.position() - start;
            if (bytes > 1 + io.tamtam.ClusterConfig.MAX_ADVERTISE_ADDRESS_BYTES) {
                throw new WireException(DropReason.MALFORMED, "member addresses exceed "
                        + io.tamtam.ClusterConfig.MAX_ADVERTISE_ADDRESS_BYTES + " bytes");
            }
            try {
                out[i] = NodeAddress.parse(text);
            } catch (IllegalArgumentException e) {
                throw new WireException(DropReason.MALFORMED, "member address: " + e.getMessage());
            }
        }
        return List.of(out);
    }

    static MemberInfo readMember(WireReader r) throws WireException {
        var id = r.uuid();
        long inc = r.i64();
        int st = r.u8();
        boolean extension = (st & MEMBER_ADDRESSES_FLAG) != 0;
        st &= ~MEMBER_ADDRESSES_FLAG;
        if (st >= STATES.length) {
            throw new WireException(DropReason.MALFORMED, "member state " + st);
        }
        var addr = r.address();
        int pv = r.u8();
        String av = r.str8();
        int n = r.u8();
        Map<String, String> meta = n == 0 ? Map.of() : new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            meta.put(r.str8(), r.str16());
        }
        List<NodeAddress> addresses = extension ? readAddresses(r) : List.of();
        return new MemberInfo(id, inc, STATES[st], addr, pv, av, meta.isEmpty() ? Map.of() : meta, addresses);
    }

    /**
     * Decodes the fields of one message; the reader must end exactly where the message ends.
     *
     * @param type the type byte
     * @param r    the fields
     * @return the message
     * @throws WireException when the bytes are not a valid message of that type
     */
    public static Message read(int type, WireReader r) throws WireException {
        Message m = switch (type) {
            case PING -> new Message.Ping(r.i32(), r.uuid());
            case PING_REQ -> new Message.PingReq(r.i32(), r.uuid(), r.address(), flag(r.u8()));
            case ACK -> new Message.Ack(r.i32());
            case NACK -> new Message.Nack(r.i32());
            case ALIVE -> new Message.Alive(readMember(r));
            case SUSPECT -> new Message.Suspect(r.uuid(), r.i64(), r.uuid());
            case DEAD -> new Message.Dead(r.uuid(), r.i64(), r.uuid());
            case BROADCAST -> new Message.Broadcast(r.uuid(), r.i64(), r.u16(), blob(r));
            case USER -> {
                int userType = r.u16();
                yield new Message.User(userType, blob(r, userType));
            }
            case PUSH_PULL -> {
                int id = r.i32();
                int flags = r.u8();
                if ((flags & ~(PUSH_PULL_JOIN | PUSH_PULL_REPLY | PUSH_PULL_APP_STATE)) != 0) {
                    throw new WireException(DropReason.MALFORMED, "push-pull flags " + flags);
                }
                int count = r.i32();
                if (count < 0 || (long) count * MEMBER_INFO_MIN_SIZE > r.remaining()) {
                    throw new WireException(DropReason.TRUNCATED, "push-pull claims " + count + " members in " + r.remaining() + " bytes");
                }
                List<MemberInfo> members = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    members.add(readMember(r));
                }
                yield new Message.PushPull(id, flags, members, (flags & PUSH_PULL_APP_STATE) != 0 ? blob(r) : null);
            }
            case REFUSE -> new Message.Refuse(r.i32(), r.str16());
            case RELIABLE -> {
                long seq = r.i64();
                long lane = r.i64();
                long order = r.i64();
                int userType = r.u16();
                yield new Message.Reliable(seq, lane, order, userType, blob(r, userType));
            }
            case RELIABLE_ACK -> new Message.ReliableAck(r.i64(), r.u8(), r.str16());
            case REQUEST -> {
                long id = r.i64();
                int userType = r.u16();
                yield new Message.Request(id, userType, blob(r, userType));
            }
            case REPLY -> new Message.Reply(r.i64(), r.u8(), blob(r));
            case STREAM_OPEN -> new Message.StreamOpen(r.u16(), r.i64());
            case STREAM_REPLY -> new Message.StreamReply(r.u8(), r.str16(), r.i64());
            case TRANSFER_OFFER -> new Message.TransferOffer(r.uuid(), r.str16(), r.u16(), r.i64(), r.i32(), r.str16());
            case TRANSFER_ACCEPT -> new Message.TransferAccept(r.uuid(), r.u8(), r.str16(), blob(r));
            case TRANSFER_PART -> new Message.TransferPart(r.uuid(), r.i32(), r.i32(), blob(r));
            case TRANSFER_PART_ACK -> new Message.TransferPartAck(r.uuid(), r.i32());
            case TRANSFER_END -> new Message.TransferEnd(r.uuid(), r.i64(), blob(r));
            case TRANSFER_DONE -> new Message.TransferDone(r.uuid(), r.u8(), r.str16());
            case BROADCAST_RESENT -> new Message.BroadcastResent(r.uuid(), r.i64(), r.u16(), blob(r));
            case BROADCAST_TTL -> new Message.BroadcastTtl(r.uuid(), r.i64(), r.u16(), r.u8(), r.i64(), blob(r));
            case BROADCAST_DIGEST -> new Message.BroadcastDigest(r.i64(), r.i64());
            case BROADCAST_REPAIR -> {
                int n = r.u16();
                if (n > MAX_REPAIR_SEQS || (long) n * 8 > r.remaining()) {
                    throw new WireException(n > MAX_REPAIR_SEQS ? DropReason.MALFORMED : DropReason.TRUNCATED,
                            "broadcast repair of " + n + " sequences (at most " + MAX_REPAIR_SEQS + ") in " + r.remaining() + " bytes");
                }
                long[] seqs = new long[n];
                for (int i = 0; i < n; i++) {
                    seqs[i] = r.i64();
                }
                yield new Message.BroadcastRepair(seqs);
            }
            case KEY_OP -> {
                int id = r.i32();
                int op = r.u8();
                if (op < KEY_OP_INSTALL || op > KEY_OP_LIST) {
                    throw new WireException(DropReason.MALFORMED, "unknown keyring operation " + op);
                }
                int n = r.u16();
                if (n > MAX_KEY_SIZE || n > r.remaining()) {
                    throw new WireException(n > MAX_KEY_SIZE ? DropReason.MALFORMED : DropReason.TRUNCATED,
                            "key of " + n + " bytes (at most " + MAX_KEY_SIZE + "), " + r.remaining() + " left");
                }
                yield new Message.KeyOp(id, op, r.bytes(n));
            }
            case KEY_REPLY -> {
                int id = r.i32();
                int status = r.u8();
                String error = r.str16();
                int count = r.u8();
                if (count * KEY_FINGERPRINT_SIZE > r.remaining()) {
                    throw new WireException(DropReason.TRUNCATED, count + " key fingerprints, " + r.remaining() + " bytes left");
                }
                List<byte[]> fps = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    fps.add(r.bytes(KEY_FINGERPRINT_SIZE));
                }
                yield new Message.KeyReply(id, status, error, fps);
            }
            default -> throw new WireException(DropReason.MALFORMED, "unknown message type 0x" + Integer.toHexString(type));
        };
        r.expectEnd();
        return m;
    }

    private static boolean flag(int v) throws WireException {
        if (v > 1) {
            throw new WireException(DropReason.MALFORMED, "boolean field " + v);
        }
        return v == 1;
    }
}
