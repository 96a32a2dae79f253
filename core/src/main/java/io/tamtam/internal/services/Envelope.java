package io.tamtam.internal.services;

import io.tamtam.internal.wire.WireException;
import io.tamtam.internal.wire.WireReader;
import io.tamtam.internal.wire.WireWriter;

/**
 * A message to a service as it travels in a user message of a reserved type: service name (str8),
 * flags (u8), payload (the rest). PROTOCOL.md §17, "Services, queries and status", gives the layout.
 *
 * @param service  the service name, or "*" for every service (broadcasts)
 * @param reliable whether the sender waits for an acknowledgement
 * @param payload  the user's bytes
 */
record Envelope(String service, boolean reliable, byte[] payload) {
    static final int FLAG_RELIABLE = 0x01;

    byte[] encode() {
        WireWriter w = new WireWriter(payload.length + service.length() + 8);
        w.str8(service).u8(reliable ? FLAG_RELIABLE : 0).bytes(payload, 0, payload.length);
        return w.toByteArray();
    }

    static Envelope decode(byte[] bytes) throws WireException {
        WireReader r = new WireReader(bytes, 0, bytes.length);
        String service = r.str8();
        int flags = r.u8();
        if ((flags & ~FLAG_RELIABLE) != 0) {
            throw new WireException(io.tamtam.DropReason.MALFORMED, "service envelope flags " + flags);
        }
        return new Envelope(service, (flags & FLAG_RELIABLE) != 0, r.bytes(r.remaining()));
    }
}
