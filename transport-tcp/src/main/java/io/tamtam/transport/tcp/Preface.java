package io.tamtam.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The 8 bytes a connecting side writes first on every connection; the layout is the table in
 * {@link TcpTransport}.
 */
final class Preface {

    /** Bytes in a preface. */
    static final int LENGTH = 8;
    /** ASCII {@code "TAMT"}. */
    static final int MAGIC = 0x54414D54;
    /** The only preface version so far. */
    static final int VERSION = 1;
    /** A pooled connection that carries length-prefixed frames both ways. */
    static final int KIND_FRAMES = 1;
    /** A dedicated connection that carries one byte stream each way. */
    static final int KIND_STREAM = 2;

    private Preface() {
    }

    /**
     * @param alloc      where to allocate
     * @param kind       {@link #KIND_FRAMES} or {@link #KIND_STREAM}
     * @param listenPort the connector's listen port, 0 when it does not listen
     * @return the encoded preface
     */
    static ByteBuf encode(ByteBufAllocator alloc, int kind, int listenPort) {
        return alloc.buffer(LENGTH)
                .writeInt(MAGIC)
                .writeByte(VERSION)
                .writeByte(kind)
                .writeShort(listenPort);
    }
}
