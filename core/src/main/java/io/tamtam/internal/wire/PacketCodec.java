package io.tamtam.internal.wire;

import io.tamtam.DropReason;
import io.tamtam.spi.Cipher;
import io.tamtam.spi.Compressor;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntPredicate;

import static io.tamtam.internal.wire.WireFormat.*;

/**
 * Frames messages into packets and back: header, compound packing, compression and encryption, as
 * PROTOCOL.md specifies. Thread-safe and stateless apart from its settings.
 *
 * <p>An <em>item</em> is one encoded message: its type byte followed by its fields. Packets are built
 * from items so that dissemination can keep messages encoded once and pack them many times.
 */
public final class PacketCodec {
    private final UUID sender;
    private final Compressor compressor;
    private final int compressionMinBytes;
    /** Replaced whole by the keyring; never switches between empty and not. */
    private volatile List<Cipher> ciphers;
    private final int maxDecodedSize;
    private volatile IntPredicate viewTypes;
    /** The cluster label's UTF-8 bytes, empty for none. */
    private final byte[] label;
    /** HEADER_SIZE, plus the label's length byte and bytes when there is a label. */
    private final int headerSize;
    /**
     * Headers made so far, by the compressed and encrypted flags and the type (see {@link #header});
     * racing writers store equal arrays.
     */
    private final java.util.concurrent.atomic.AtomicReferenceArray<byte[]> headers =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(4 << 8);
    private volatile Counter counter = NO_COUNTER;

    /** Told of every message put into a packet; must not block. */
    public interface Counter {
        /** @param item an encoded message (type byte, then fields) */
        void item(byte[] item);

        /** @param m a message encoded on its own */
        void message(Message m);

        /** @param ms messages encoded into one packet */
        default void messages(List<? extends Message> ms) {
            for (int i = 0; i < ms.size(); i++) {
                message(ms.get(i));
            }
        }
    }

    private static final Counter NO_COUNTER = new Counter() {
        @Override
        public void item(byte[] item) {
        }

        @Override
        public void message(Message m) {
        }
    };

    /**
     * @param sender              this node's id, written into every header
     * @param compressor          compresses outgoing bodies and decompresses incoming ones; null for none
     * @param compressionMinBytes bodies smaller than this are not compressed
     * @param ciphers             the first encrypts, all are tried to decrypt; empty for plaintext
     * @param maxDecodedSize      the largest body accepted after decompression by {@link #decode(byte[], int, int)}
     *                            (the frame path: maxFrameSize)
     */
    public PacketCodec(UUID sender, Compressor compressor, int compressionMinBytes, List<Cipher> ciphers, int maxDecodedSize) {
        this(sender, compressor, compressionMinBytes, ciphers, maxDecodedSize, "");
    }

    /**
     * @param sender              this node's id, written into every header
     * @param compressor          compresses outgoing bodies and decompresses incoming ones; null for none
     * @param compressionMinBytes bodies smaller than this are not compressed
     * @param ciphers             the first encrypts, all are tried to decrypt; empty for plaintext
     * @param maxDecodedSize      the largest body accepted after decompression on the frame path
     * @param label               the cluster label (at most {@link WireFormat#MAX_LABEL_BYTES} UTF-8 bytes),
     *                            written after the header of every packet and required of every packet
     *                            received; empty for none
     */
    public PacketCodec(UUID sender, Compressor compressor, int compressionMinBytes, List<Cipher> ciphers, int maxDecodedSize,
                       String label) {
        this.label = label.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (this.label.length > MAX_LABEL_BYTES) {
            throw new IllegalArgumentException("a cluster label is at most " + MAX_LABEL_BYTES + " UTF-8 bytes, got "
                    + this.label.length);
        }
        this.headerSize = HEADER_SIZE + (this.label.length == 0 ? 0 : 1 + this.label.length);
        this.sender = sender;
        this.compressor = compressor;
        this.compressionMinBytes = compressionMinBytes;
        this.ciphers = List.copyOf(ciphers);
        this.maxDecodedSize = maxDecodedSize;
    }

    /**
     * @param types the user types whose handlers take a view of their payload, valid during the call: their
     *              payloads of a megabyte or more are decoded into arrays from {@link PayloadArrays}
     */
    public void viewTypes(IntPredicate types) {
        this.viewTypes = types;
    }

    /**
     * Replaces the keys (a keyring operation): packets sealed from now on use the first.
     *
     * @param next the ciphers, the one that encrypts first; not empty, as the current ones are not
     */
    public void ciphers(List<Cipher> next) {
        if (next.isEmpty() || ciphers.isEmpty()) {
            throw new IllegalStateException("a node cannot switch between plaintext and encryption while it runs");
        }
        ciphers = List.copyOf(next);
    }

    /** @param counter told of every message this codec encodes from now on */
    public void countWith(Counter counter) {
        this.counter = counter;
    }

    /**
     * Counts a message as sent once more without encoding it again: for a packet encoded once and sent
     * several times.
     *
     * @param m the message the packet holds
     */
    public void countAgain(Message m) {
        counter.message(m);
    }

    /** @return bytes a packet adds around its body, header and encryption included */
    public int overhead() {
        List<Cipher> cs = ciphers;
        return headerSize + (cs.isEmpty() ? 0 : cs.get(0).overhead());
    }

    /**
     * @param m a message
     * @return its item encoding: type byte, then fields
     */
    public static byte[] item(Message m) {
        WireWriter w = new WireWriter(64);
        w.u8(m.type());
        MessageCodec.writeFields(m, w);
        return w.toByteArray();
    }

    /**
     * @param m one message
     * @return the packet
     */
    public byte[] encode(Message m) {
        // The body is written after room for the header, so that a packet that needs neither compression
        // nor encryption is finished in place: one copy of a large payload, not three.
        WireWriter w = new WireWriter(headerSize + sizeHint(m));
        for (int i = 0; i < headerSize; i++) {
            w.u8(0);
        }
        MessageCodec.writeFields(m, w);
        counter.message(m);
        return seal(m.type(), w.array(), headerSize, w.size() - headerSize);
    }

    private static final byte[] NO_BYTES = new byte[0];

    /** Payloads at least this large may be sent as a {@link Parts packet in two parts}: 64 KiB. */
    public static final int PARTS_MIN_PAYLOAD = 64 * 1024;

    /**
     * A packet as two byte ranges sent back to back: {@code head} (the header and every field before the
     * payload) and the payload, which is the caller's array, not a copy; or a whole packet as the head
     * with an empty body.
     *
     * @param head the header and the fields before the payload
     * @param body the payload
     */
    public record Parts(byte[] head, byte[] body) {
        /** @return the packet's size */
        public int length() {
            return head.length + body.length;
        }
    }

    /**
     * Encodes a message whose fields end with a large payload without copying the payload: the same bytes
     * as {@link #encode(Message)}, split before the payload. Only for a payload of at least
     * {@link #PARTS_MIN_PAYLOAD} bytes in a packet that is neither encrypted nor compressed (no
     * compressor, or a sample of the payload does not compress).
     *
     * @param m one message
     * @return the packet in two parts, or {@code null} when it must be encoded whole by {@link #encode(Message)}
     */
    public Parts encodeParts(Message m) {
        byte[] payload = MessageCodec.trailingPayload(m);
        if (payload == null || payload.length < PARTS_MIN_PAYLOAD || !ciphers.isEmpty()) {
            return null;
        }
        if (compressor != null && payload.length >= compressionMinBytes) {
            try {
                if (worthCompressing(payload, 0, payload.length)) {
                    return null;
                }
            } catch (IOException e) {
                // A payload the compressor fails on is sent uncompressed, as encode does.
            }
        }
        WireWriter w = new WireWriter(headerSize + 64);
        w.bytes(header(0, m.type()), 0, headerSize);
        MessageCodec.writeFieldsBeforePayload(m, w);
        counter.message(m);
        return new Parts(w.toByteArray(), payload);
    }

    /**
     * @param m one message
     * @return the packet for the stream path: in two parts when {@link #encodeParts} allows, else whole
     *         (the head, with an empty body)
     */
    public Parts encodeFrame(Message m) {
        Parts parts = encodeParts(m);
        return parts != null ? parts : new Parts(encode(m), NO_BYTES);
    }

    /** @return the exact field size of messages that carry a payload, a guess for the others */
    private static int sizeHint(Message m) {
        if (m instanceof Message.Broadcast b) {
            return 16 + 8 + 2 + 4 + b.payload().length;
        } else if (m instanceof Message.User u) {
            return 2 + 4 + u.payload().length;
        } else if (m instanceof Message.Reliable r) {
            return 8 + 8 + 8 + 2 + 4 + r.payload().length;
        } else if (m instanceof Message.Request r) {
            return 8 + 2 + 4 + r.payload().length;
        } else if (m instanceof Message.Reply r) {
            return 8 + 1 + 4 + r.body().length;
        } else if (m instanceof Message.PushPull p) {
            return p.members().size() * 64 + 16 + (p.appState() == null ? 0 : 4 + p.appState().length);
        }
        return 64;
    }

    /** Bodies larger than this are compressed only if a sample of them compresses well. */
    static final int COMPRESSION_SAMPLE_THRESHOLD = 64 * 1024;
    private static final int COMPRESSION_SAMPLE = 16 * 1024;

    private boolean worthCompressing(byte[] body, int off, int bodyLen) throws IOException {
        if (bodyLen < COMPRESSION_SAMPLE_THRESHOLD) {
            return true;
        }
        // Large payloads are often already compressed or encrypted: try a sample before the whole.
        byte[] sample = compressor.compress(body, off + bodyLen / 2 - COMPRESSION_SAMPLE / 2, COMPRESSION_SAMPLE);
        return sample.length < COMPRESSION_SAMPLE - COMPRESSION_SAMPLE / 8;
    }

    /**
     * @param items one or more items (at most 255); with one item the packet is not compound
     * @return the packet
     */
    public byte[] encodeItems(List<byte[]> items) {
        if (items.isEmpty() || items.size() > COMPOUND_MAX_ITEMS) {
            throw new IllegalArgumentException("a packet holds 1 to 255 messages, got " + items.size());
        }
        WireWriter body = new WireWriter(256);
        Counter c = counter;
        for (int i = 0; i < items.size(); i++) {
            c.item(items.get(i));
        }
        int type;
        if (items.size() == 1) {
            byte[] it = items.get(0);
            type = it[0] & 0xFF;
            body.bytes(it, 1, it.length - 1);
        } else {
            type = COMPOUND;
            body.u8(items.size());
            for (byte[] it : items) {
                if (it.length - 1 > 0xFFFF) {
                    throw new IllegalArgumentException("a message in a compound packet is at most 65535 bytes");
                }
                body.u8(it[0]).u16(it.length - 1).bytes(it, 1, it.length - 1);
            }
        }
        return seal(type, body.array(), 0, body.size());
    }

    /**
     * Encodes messages into one packet: the same bytes as {@link #encodeItems} of their {@link #item items},
     * written straight into the packet (no array per message). The packet is compressed only when one of
     * its messages would be on its own (its fields are at least {@code compressionMinBytes}): putting small
     * messages together does not add the cost of compressing them.
     *
     * @param messages 1 to 255 messages, each with at most 65535 bytes of fields; one is encoded by
     *                 {@link #encode(Message)}
     * @return the packet
     */
    public byte[] encodeAll(List<? extends Message> messages) {
        int n = messages.size();
        if (n == 1) {
            return encode(messages.get(0));
        }
        if (n == 0 || n > COMPOUND_MAX_ITEMS) {
            throw new IllegalArgumentException("a packet holds 1 to 255 messages, got " + n);
        }
        int hint = headerSize + 1;
        for (int i = 0; i < n; i++) {
            hint += WireFormat.COMPOUND_ITEM_OVERHEAD + sizeHint(messages.get(i));
        }
        WireWriter w = new WireWriter(hint);
        for (int i = 0; i < headerSize; i++) {
            w.u8(0);
        }
        w.u8(n);
        boolean compress = false;
        for (int i = 0; i < n; i++) {
            Message m = messages.get(i);
            w.u8(m.type());
            int at = w.size();
            w.u16(0);
            MessageCodec.writeFields(m, w);
            int length = w.size() - at - 2;
            if (length > 0xFFFF) {
                throw new IllegalArgumentException("a message in a compound packet is at most 65535 bytes");
            }
            w.patchU16(at, length);
            compress |= length >= compressionMinBytes;
        }
        counter.messages(messages);
        return seal(COMPOUND, w.array(), headerSize, w.size() - headerSize, compress);
    }

    /**
     * Adds the header, compressing and encrypting the body as configured. When the body already sits
     * after {@code headerSize} free bytes and needs neither, the header is written in front of it.
     */
    private byte[] seal(int type, byte[] buf, int off, int bodyLen) {
        return seal(type, buf, off, bodyLen, true);
    }

    private byte[] seal(int type, byte[] buf, int off, int bodyLen, boolean mayCompress) {
        int flags = 0;
        byte[] payload = null;
        int payloadLen = bodyLen;
        if (mayCompress && compressor != null && bodyLen >= compressionMinBytes) {
            try {
                if (worthCompressing(buf, off, bodyLen)) {
                    byte[] c = compressor.compress(buf, off, bodyLen);
                    if (c.length + 1 < bodyLen) {
                        payload = new byte[c.length + 1];
                        payload[0] = (byte) compressor.id();
                        System.arraycopy(c, 0, payload, 1, c.length);
                        payloadLen = payload.length;
                        flags |= FLAG_COMPRESSED;
                    }
                }
            } catch (IOException e) {
                // Sending uncompressed is always correct.
            }
        }
        List<Cipher> cs = ciphers;
        if (!cs.isEmpty()) {
            flags |= FLAG_ENCRYPTED;
        }
        byte[] header = header(flags, type);
        if (!cs.isEmpty()) {
            try {
                payload = payload != null ? cs.get(0).encrypt(payload, 0, payloadLen, header)
                        : cs.get(0).encrypt(buf, off, bodyLen, header);
                payloadLen = payload.length;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("encryption failed: " + e.getMessage(), e);
            }
        }
        if (payload == null && off == headerSize) {
            System.arraycopy(header, 0, buf, 0, headerSize);
            return buf.length == headerSize + bodyLen ? buf : java.util.Arrays.copyOf(buf, headerSize + bodyLen);
        }
        byte[] out = new byte[headerSize + payloadLen];
        System.arraycopy(header, 0, out, 0, headerSize);
        if (payload != null) {
            System.arraycopy(payload, 0, out, headerSize, payloadLen);
        } else {
            System.arraycopy(buf, off, out, headerSize, bodyLen);
        }
        return out;
    }

    /**
     * The header, and the label after it when there is one: both are the AAD of an encrypted body. The
     * result is shared (cached per flags and type, as only those vary for one sender) and never written to.
     */
    private byte[] header(int flags, int type) {
        int key = (flags & (FLAG_COMPRESSED | FLAG_ENCRYPTED)) << 8 | (type & 0xFF);
        byte[] cached = headers.get(key);
        if (cached == null) {
            cached = newHeader(flags, type);
            headers.set(key, cached);
        }
        return cached;
    }

    private byte[] newHeader(int flags, int type) {
        WireWriter h = new WireWriter(headerSize);
        h.u16(MAGIC).u8(VERSION).u8(label.length == 0 ? flags : flags | FLAG_LABELED).u8(type).uuid(sender);
        if (label.length > 0) {
            h.u8(label.length).bytes(label, 0, label.length);
        }
        return h.array().length == headerSize ? h.array() : h.toByteArray();
    }

    /**
     * The most a datagram's body may grow when decompressed, as a multiple of {@code maxDatagramSize}:
     * above Snappy's largest ratio of 64/3 (PROTOCOL.md §3), so no Snappy datagram a sender can produce
     * is refused.
     */
    public static final int DATAGRAM_MAX_EXPANSION = 32;

    /**
     * @param maxDatagramSize the largest datagram accepted
     * @param maxFrameSize    the largest frame accepted
     * @return the decompression bound of the datagram path: {@code maxDatagramSize} times
     *         {@link #DATAGRAM_MAX_EXPANSION}, at most {@code maxFrameSize}
     */
    public static int datagramDecodeLimit(int maxDatagramSize, int maxFrameSize) {
        return (int) Math.min(maxFrameSize, (long) maxDatagramSize * DATAGRAM_MAX_EXPANSION);
    }

    /**
     * Decodes a packet that came as a frame (or over a stream): a compressed body may decompress to the
     * {@code maxDecodedSize} given to the constructor.
     *
     * @param buf    input
     * @param offset start
     * @param length size
     * @return the packet
     * @throws WireException with the reason to count when the packet must be dropped
     */
    public Packet decode(byte[] buf, int offset, int length) throws WireException {
        return decode(buf, offset, length, maxDecodedSize);
    }

    /**
     * Decodes a packet. Never allocates more than a small multiple of {@code length} plus
     * {@code maxDecoded}.
     *
     * @param buf        input
     * @param offset     start
     * @param length     size
     * @param maxDecoded the largest body accepted after decompression on the path the packet came by
     *                   ({@link #datagramDecodeLimit} for a datagram, maxFrameSize for a frame)
     * @return the packet
     * @throws WireException with the reason to count when the packet must be dropped
     */
    public Packet decode(byte[] buf, int offset, int length, int maxDecoded) throws WireException {
        return decode(buf, offset, length, null, maxDecoded);
    }

    /**
     * The array a frame's trailing payload can be received into, so that the frame arrives in two parts
     * (its head, then the payload straight into the array the message keeps) and
     * {@link #decode(byte[], int, int, byte[], int) decoding} copies nothing: for a frame that holds one
     * message whose fields end with a payload ({@link MessageCodec#trailingPayload}) of at least
     * {@link #PARTS_MIN_PAYLOAD} bytes, neither compressed nor encrypted, that this node would not refuse
     * for its label or for lacking encryption. For a user type whose handler takes a view of its
     * payload the array comes from {@link PayloadArrays}.
     *
     * @param buf         the frame's first bytes
     * @param offset      where they start
     * @param arrived     how many have arrived
     * @param frameLength the frame's length
     * @return an array of the payload's length, to hold the frame's last bytes; or {@code null} when the
     *         frame is to be received whole (or more of its first bytes are needed to tell)
     */
    public byte[] payloadArrayFor(byte[] buf, int offset, int arrived, int frameLength) {
        if (!ciphers.isEmpty() || arrived < HEADER_SIZE || u16(buf, offset) != MAGIC
                || (buf[offset + 2] & 0xFF) != VERSION || ((buf[offset + 3] & 0xFF) & ~FLAG_LABELED) != 0) {
            return null;
        }
        int type = buf[offset + 4] & 0xFF;
        int fields = MessageCodec.fieldsBeforePayload(type);
        if (fields < 0) {
            return null;
        }
        int fullHeader;
        try {
            fullHeader = checkLabel(buf, offset, arrived, buf[offset + 3] & 0xFF);
        } catch (WireException e) {
            return null; // whole, to be refused with its reason
        }
        int lengthAt = fullHeader + fields;
        if (arrived < lengthAt + 4) {
            return null;
        }
        int n = u16(buf, offset + lengthAt) << 16 | u16(buf, offset + lengthAt + 2);
        if (n < PARTS_MIN_PAYLOAD || (long) lengthAt + 4 + n != frameLength) {
            return null;
        }
        int typeAt = MessageCodec.userTypeOffset(type);
        IntPredicate views = viewTypes;
        if (typeAt >= 0 && views != null) {
            if (views.test(u16(buf, offset + fullHeader + typeAt))) {
                return PayloadArrays.take(n);
            }
        }
        return new byte[n];
    }

    private static int u16(byte[] buf, int at) {
        return (buf[at] & 0xFF) << 8 | (buf[at + 1] & 0xFF);
    }

    /**
     * Decodes a packet received in two parts: its head in {@code buf} and its trailing payload in
     * {@code tail} (from {@link #payloadArrayFor}), which becomes the message's payload as it is. With a
     * null tail, the same as {@link #decode(byte[], int, int, int)}.
     *
     * @param buf        the packet's bytes before the tail
     * @param offset     start
     * @param length     size of the part in {@code buf}
     * @param tail       the packet's last bytes, or null
     * @param maxDecoded see {@link #decode(byte[], int, int, int)}
     * @return the packet
     * @throws WireException with the reason to count when the packet must be dropped
     */
    public Packet decode(byte[] buf, int offset, int length, byte[] tail, int maxDecoded) throws WireException {
        if (length < HEADER_SIZE) {
            throw new WireException(DropReason.TRUNCATED, "packet of " + length + " bytes is shorter than the header");
        }
        WireReader h = new WireReader(buf, offset, HEADER_SIZE);
        if (h.u16() != MAGIC) {
            throw new WireException(DropReason.BAD_MAGIC, "not a TamTam packet");
        }
        int version = h.u8();
        if (version != VERSION) {
            throw new WireException(DropReason.UNSUPPORTED_VERSION, "wire version " + version + ", this node reads " + VERSION);
        }
        int flags = h.u8();
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new WireException(DropReason.MALFORMED, "unknown flags 0x" + Integer.toHexString(flags));
        }
        int type = h.u8();
        UUID from = h.uuid();
        int fullHeader = checkLabel(buf, offset, length, flags);

        byte[] body = buf;
        int bodyOff = offset + fullHeader;
        int bodyLen = length - fullHeader;
        boolean encrypted = (flags & FLAG_ENCRYPTED) != 0;
        List<Cipher> cs = ciphers;
        if (cs.isEmpty() && encrypted) {
            throw new WireException(DropReason.UNAUTHENTICATED, "encrypted packet, but this node has no key");
        }
        if (!cs.isEmpty()) {
            if (!encrypted) {
                throw new WireException(DropReason.UNAUTHENTICATED, "plaintext packet, but this node requires encryption");
            }
            byte[] aad = new byte[fullHeader];
            System.arraycopy(buf, offset, aad, 0, fullHeader);
            body = decrypt(cs, buf, bodyOff, bodyLen, aad);
            bodyOff = 0;
            bodyLen = body.length;
        }
        if (tail != null && ((flags & (FLAG_ENCRYPTED | FLAG_COMPRESSED)) != 0 || type == COMPOUND)) {
            throw new WireException(DropReason.MALFORMED, "a packet in two parts must hold one plain message");
        }
        if ((flags & FLAG_COMPRESSED) != 0) {
            if (bodyLen < 1) {
                throw new WireException(DropReason.TRUNCATED, "compressed body without algorithm id");
            }
            int id = body[bodyOff] & 0xFF;
            if (compressor == null || compressor.id() != id) {
                throw new WireException(DropReason.BAD_COMPRESSION, "unknown compression algorithm " + id);
            }
            try {
                body = compressor.decompress(body, bodyOff + 1, bodyLen - 1, maxDecoded);
            } catch (IOException | RuntimeException e) {
                throw new WireException(DropReason.BAD_COMPRESSION, "corrupt compressed body: " + e.getMessage());
            }
            bodyOff = 0;
            bodyLen = body.length;
        }
        IntPredicate views = viewTypes;
        WireReader r = new WireReader(body, bodyOff, bodyLen).viewTypes(views).tail(tail);
        if (type != COMPOUND) {
            return new Packet(from, List.of(MessageCodec.read(type, r)), bodyLen + (tail == null ? 0 : tail.length));
        }
        int count = r.u8();
        if (count == 0) {
            throw new WireException(DropReason.MALFORMED, "empty compound packet");
        }
        List<Message> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int t = r.u8();
            int len = r.u16();
            if (len > r.remaining()) {
                throw new WireException(DropReason.TRUNCATED, "compound item of " + len + " bytes, " + r.remaining() + " left");
            }
            if (t == COMPOUND) {
                throw new WireException(DropReason.MALFORMED, "nested compound packet");
            }
            out.add(MessageCodec.read(t, new WireReader(body, r.position(), len).viewTypes(views)));
            r.skip(len);
        }
        r.expectEnd();
        return new Packet(from, out, bodyLen);
    }

    /**
     * @return the header's size with the label that follows it
     * @throws WireException LABEL_MISMATCH when the packet's label (or its absence) differs from this node's
     */
    private int checkLabel(byte[] buf, int offset, int length, int flags) throws WireException {
        if ((flags & FLAG_LABELED) == 0) {
            if (label.length != 0) {
                throw new WireException(DropReason.LABEL_MISMATCH, "packet without a cluster label, this node's is \""
                        + new String(label, java.nio.charset.StandardCharsets.UTF_8) + "\"");
            }
            return HEADER_SIZE;
        }
        if (length < HEADER_SIZE + 1) {
            throw new WireException(DropReason.TRUNCATED, "labeled packet without the label's length");
        }
        int n = buf[offset + HEADER_SIZE] & 0xFF;
        if (n == 0) {
            throw new WireException(DropReason.MALFORMED, "labeled packet with an empty label");
        }
        if (length < HEADER_SIZE + 1 + n) {
            throw new WireException(DropReason.TRUNCATED, "label of " + n + " bytes, " + (length - HEADER_SIZE - 1) + " left");
        }
        if (!java.util.Arrays.equals(buf, offset + HEADER_SIZE + 1, offset + HEADER_SIZE + 1 + n, label, 0, label.length)) {
            throw new WireException(DropReason.LABEL_MISMATCH, label.length == 0
                    ? "packet with a cluster label, this node has none"
                    : "packet of another cluster label, this node's is \"" + new String(label, java.nio.charset.StandardCharsets.UTF_8) + "\"");
        }
        return HEADER_SIZE + 1 + n;
    }

    private static byte[] decrypt(List<Cipher> cs, byte[] buf, int off, int len, byte[] aad) throws WireException {
        int overhead = cs.get(0).overhead();
        if (cs.size() > 1 && len >= overhead && cs.stream().allMatch(c -> c.overhead() == overhead)) {
            // Several keys: one plaintext buffer for every attempt, not one per key tried before the tag
            // is checked.
            byte[] out = new byte[len - overhead];
            for (Cipher c : cs) {
                try {
                    c.decrypt(buf, off, len, aad, out, 0);
                    return out;
                } catch (GeneralSecurityException | RuntimeException e) {
                    // try the next key
                }
            }
            throw new WireException(DropReason.UNAUTHENTICATED, "no key decrypts the packet");
        }
        for (Cipher c : cs) {
            try {
                return c.decrypt(buf, off, len, aad);
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next key
            }
        }
        throw new WireException(DropReason.UNAUTHENTICATED, "no key decrypts the packet");
    }
}
