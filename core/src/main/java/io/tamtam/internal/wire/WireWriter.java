package io.tamtam.internal.wire;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/** Writes big-endian fields into a growable byte array; reusable after {@link #reset()}. */
public final class WireWriter {
    private byte[] buf;
    private int pos;

    /** @param initialCapacity starting size */
    public WireWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Forgets what was written, keeping the array. */
    public void reset() {
        pos = 0;
    }

    /** @return bytes written */
    public int size() {
        return pos;
    }

    /** @return the backing array; valid up to {@link #size()} */
    public byte[] array() {
        return buf;
    }

    /** @return a copy of what was written */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int n) {
        if (buf.length - pos < n) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    /** @param v low 8 bits are written @return this */
    public WireWriter u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    /** @param v low 16 bits are written @return this */
    public WireWriter u16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    /** @param v the value @return this */
    public WireWriter i32(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    /** @param v the value @return this */
    public WireWriter i64(long v) {
        i32((int) (v >>> 32));
        return i32((int) v);
    }

    /** @param id the value @return this */
    public WireWriter uuid(UUID id) {
        i64(id.getMostSignificantBits());
        return i64(id.getLeastSignificantBits());
    }

    /**
     * @param src    bytes
     * @param offset start
     * @param length count
     * @return this
     */
    public WireWriter bytes(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, buf, pos, length);
        pos += length;
        return this;
    }

    /** @param s at most 255 UTF-8 bytes @return this */
    public WireWriter str8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFF) {
            throw new IllegalArgumentException("string longer than 255 UTF-8 bytes: " + s.substring(0, 20) + "...");
        }
        u8(b.length);
        return bytes(b, 0, b.length);
    }

    /** @param s at most 65535 UTF-8 bytes; longer ones are cut at a character boundary @return this */
    public WireWriter str16(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = b.length;
        if (n > 0xFFFF) {
            n = 0xFFFF;
            while (n > 0 && (b[n] & 0xC0) == 0x80) {
                n--;
            }
        }
        u16(n);
        return bytes(b, 0, n);
    }

    /** @param a an address with an IPv4 or IPv6 literal @return this */
    public WireWriter address(InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        u8(a.getAddress() instanceof Inet4Address ? 4 : 6);
        bytes(ip, 0, ip.length);
        return u16(a.getPort());
    }

    /**
     * Overwrites a u16 written earlier.
     *
     * @param at    offset
     * @param value the value
     */
    public void patchU16(int at, int value) {
        buf[at] = (byte) (value >>> 8);
        buf[at + 1] = (byte) value;
    }

    /**
     * Overwrites a u8 written earlier.
     *
     * @param at    offset
     * @param value the value
     */
    public void patchU8(int at, int value) {
        buf[at] = (byte) value;
    }
}
