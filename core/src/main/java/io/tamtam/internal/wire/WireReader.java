package io.tamtam.internal.wire;

import io.tamtam.DropReason;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.IntPredicate;

/**
 * Reads big-endian fields from a byte array. Every read checks the bytes that remain first, so a length
 * field can never make it allocate more than the input holds.
 *
 * <p>The input may continue past the array's range in a separate {@linkplain #tail tail array}, which
 * only a read of exactly its bytes, starting where the range ends, returns (as it is, not a copy): a
 * packet received in two parts, its trailing payload straight into the array the message keeps.
 */
public final class WireReader {
    private final byte[] buf;
    private int pos;
    private final int limit;
    private IntPredicate viewTypes;
    /** The bytes after {@link #limit}, or null; null again once read. */
    private byte[] tail;

    /**
     * @param buf    input
     * @param offset first byte
     * @param length bytes to read
     */
    public WireReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    /** @return bytes not yet read, the tail's included */
    public int remaining() {
        return limit - pos + (tail == null ? 0 : tail.length);
    }

    /**
     * @param bytes the input's bytes after the array's range; only {@link #bytes} or {@link #payload} of
     *              exactly its length, once the range is read, returns it
     * @return this reader
     */
    public WireReader tail(byte[] bytes) {
        this.tail = bytes;
        return this;
    }

    /** @return the tail, now read, when the next n bytes are exactly the tail; else null */
    private byte[] takeTail(int n) {
        byte[] t = tail;
        if (t == null || pos != limit || n != t.length) {
            return null;
        }
        tail = null;
        return t;
    }

    /** @return the current offset into the array */
    public int position() {
        return pos;
    }

    /** @return the backing array */
    public byte[] array() {
        return buf;
    }

    private void need(int n) throws WireException {
        if (n < 0 || limit - pos < n) {
            throw new WireException(DropReason.TRUNCATED, "needs " + n + " bytes, " + (limit - pos) + " left");
        }
    }

    /** @return an unsigned byte @throws WireException when truncated */
    public int u8() throws WireException {
        need(1);
        return buf[pos++] & 0xFF;
    }

    /** @return an unsigned 16-bit value @throws WireException when truncated */
    public int u16() throws WireException {
        need(2);
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    /** @return a 32-bit value @throws WireException when truncated */
    public int i32() throws WireException {
        need(4);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16)
                | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    /** @return a 64-bit value @throws WireException when truncated */
    public long i64() throws WireException {
        return ((long) i32() << 32) | (i32() & 0xFFFFFFFFL);
    }

    /** @return a 16-byte UUID @throws WireException when truncated */
    public UUID uuid() throws WireException {
        long msb = i64();
        long lsb = i64();
        int slot = slot(msb ^ lsb);
        UUID had = UUIDS[slot];
        if (had != null && had.getMostSignificantBits() == msb && had.getLeastSignificantBits() == lsb) {
            return had;
        }
        UUID id = new UUID(msb, lsb);
        UUIDS[slot] = id;
        return id;
    }

    /**
     * Ids and IPv4 addresses read recently, shared by every reader of the JVM: a full state lists N
     * members, and the nodes of one JVM (or one node, exchange after exchange) read the same ones again;
     * a hit returns the same immutable value without allocating. Direct-mapped, each slot overwritten by
     * the last value read into it; a racing reader sees a whole value or misses (values are immutable,
     * and an {@link Ipv4} is published through its final fields).
     */
    private static final int CACHE_SLOTS = 1 << 15;
    private static final UUID[] UUIDS = new UUID[CACHE_SLOTS];
    private static final Ipv4[] ADDRESSES = new Ipv4[CACHE_SLOTS];

    private record Ipv4(long key, InetSocketAddress address) {
    }

    private static int slot(long key) {
        long z = (key ^ (key >>> 33)) * 0xff51afd7ed558ccdL;
        return (int) (z ^ (z >>> 33)) & (CACHE_SLOTS - 1);
    }

    /**
     * @param n how many bytes
     * @return a copy of the next n bytes, or the tail when they are exactly the tail
     * @throws WireException when truncated
     */
    public byte[] bytes(int n) throws WireException {
        byte[] t = takeTail(n);
        if (t != null) {
            return t;
        }
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    /**
     * @param n        how many bytes
     * @param userType the user type whose payload they are
     * @return a copy of the next n bytes; for a type whose handler takes a view of its payload, in an array
     *         from {@link PayloadArrays} (one kept from an earlier payload of that length when there is one);
     *         the tail when they are exactly the tail
     * @throws WireException when truncated
     */
    public byte[] payload(int n, int userType) throws WireException {
        byte[] t = takeTail(n);
        if (t != null) {
            return t;
        }
        if (n < PayloadArrays.MIN_BYTES || viewTypes == null || !viewTypes.test(userType)) {
            return bytes(n);
        }
        need(n);
        byte[] out = PayloadArrays.take(n);
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    /**
     * @param types the user types whose handlers take a view of their payload (see {@link #payload}), or
     *              null for none
     * @return this reader
     */
    public WireReader viewTypes(IntPredicate types) {
        this.viewTypes = types;
        return this;
    }

    /**
     * @param n bytes to skip
     * @throws WireException when truncated
     */
    public void skip(int n) throws WireException {
        need(n);
        pos += n;
    }

    /** @return a string with a u8 length prefix @throws WireException when truncated or not UTF-8 */
    public String str8() throws WireException {
        return utf8(u8());
    }

    /** @return a string with a u16 length prefix @throws WireException when truncated or not UTF-8 */
    public String str16() throws WireException {
        return utf8(u16());
    }

    /**
     * Strings must be valid UTF-8: one decoded leniently (malformed sequences as U+FFFD) would re-encode
     * to other, possibly more, bytes than its length prefix allows when the node passes it on.
     */
    private String utf8(int n) throws WireException {
        need(n);
        if (n == 0) {
            return ""; // the error text of every positive acknowledgement
        }
        boolean ascii = true;
        for (int i = pos, end = pos + n; i < end && ascii; i++) {
            ascii = buf[i] >= 0;
        }
        String s;
        if (ascii) {
            s = new String(buf, pos, n, StandardCharsets.US_ASCII);
        } else {
            try {
                s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(buf, pos, n))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new WireException(DropReason.MALFORMED, "a string of " + n + " bytes is not valid UTF-8");
            }
        }
        pos += n;
        return s;
    }

    /** @return a socket address (family, address, port) @throws WireException when truncated or invalid */
    public InetSocketAddress address() throws WireException {
        int family = u8();
        int len = switch (family) {
            case 4 -> 4;
            case 6 -> 16;
            default -> throw new WireException(DropReason.MALFORMED, "address family " + family);
        };
        if (family == 4) {
            need(6);
            long key = (((long) i32() & 0xFFFFFFFFL) << 16) | u16();
            int slot = slot(key);
            Ipv4 had = ADDRESSES[slot];
            if (had != null && had.key() == key) {
                return had.address();
            }
            byte[] ip = {(byte) (key >>> 40), (byte) (key >>> 32), (byte) (key >>> 24), (byte) (key >>> 16)};
            try {
                InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(ip), (int) (key & 0xFFFF));
                ADDRESSES[slot] = new Ipv4(key, a);
                return a;
            } catch (UnknownHostException e) {
                throw new WireException(DropReason.MALFORMED, "address: " + e.getMessage());
            }
        }
        byte[] ip = bytes(len);
        int port = u16();
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new WireException(DropReason.MALFORMED, "address: " + e.getMessage());
        }
    }

    /** @throws WireException when bytes are left over */
    public void expectEnd() throws WireException {
        if (remaining() != 0) {
            throw new WireException(DropReason.MALFORMED, remaining() + " trailing bytes");
        }
    }
}
