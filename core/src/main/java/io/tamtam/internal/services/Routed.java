package io.tamtam.internal.services;

import io.tamtam.DropReason;
import io.tamtam.internal.wire.WireException;
import io.tamtam.internal.wire.WireReader;
import io.tamtam.internal.wire.WireWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A message or request for a service of another cluster, forwarded hop by hop through gateways, and its
 * reply, which retraces the path. PROTOCOL.md §17 gives the layout.
 */
public final class Routed {
    /** Most hops (gateways) a routed message may cross. */
    public static final int MAX_HOPS = 8;
    /** Reply status: the handler's reply follows. */
    static final int OK = 0;
    /** Reply status: the handler threw; its message follows. */
    static final int HANDLER_ERROR = 1;
    /** Reply status: the message could not be routed; why follows. */
    static final int UNROUTABLE = 2;

    private Routed() {
    }

    /**
     * A routed message.
     *
     * @param id       the origin's correlation id
     * @param hopsLeft gateways it may still cross
     * @param path     the nodes it went through, the origin first; each hop appends the node it sends from
     * @param request  whether the origin waits for a reply (always answered; this says whether it is used)
     * @param service  the service
     * @param payload  the bytes
     */
    public record Message(long id, int hopsLeft, List<UUID> path, boolean request, String service, byte[] payload) {
        byte[] encode() {
            WireWriter w = new WireWriter(40 + path.size() * 16 + payload.length);
            w.i64(id).u8(hopsLeft).u8(path.size());
            path.forEach(w::uuid);
            w.u8(request ? 1 : 0).str8(service).bytes(payload, 0, payload.length);
            return w.toByteArray();
        }

        static Message decode(byte[] b) throws WireException {
            WireReader r = new WireReader(b, 0, b.length);
            long id = r.i64();
            int hops = r.u8();
            List<UUID> path = readPath(r);
            int req = r.u8();
            if (hops > MAX_HOPS || req > 1 || path.isEmpty()) {
                throw new WireException(DropReason.MALFORMED, "routed message fields out of range");
            }
            return new Message(id, hops, path, req == 1, r.str8(), r.bytes(r.remaining()));
        }

        /**
         * @param via the node the next hop is sent from
         * @return this message one hop further
         */
        public Message next(UUID via) {
            List<UUID> p = new ArrayList<>(path);
            p.add(via);
            return new Message(id, hopsLeft - 1, List.copyOf(p), request, service, payload);
        }
    }

    /**
     * The reply to a routed message, on its way back.
     *
     * @param id     the origin's correlation id
     * @param status {@link #OK}, {@link #HANDLER_ERROR} or {@link #UNROUTABLE}
     * @param path   the nodes still to go through, the origin first; the last one is the next hop
     * @param body   the reply, or the UTF-8 error
     */
    public record Reply(long id, int status, List<UUID> path, byte[] body) {
        byte[] encode() {
            WireWriter w = new WireWriter(16 + path.size() * 16 + body.length);
            w.i64(id).u8(status).u8(path.size());
            path.forEach(w::uuid);
            w.bytes(body, 0, body.length);
            return w.toByteArray();
        }

        static Reply decode(byte[] b) throws WireException {
            WireReader r = new WireReader(b, 0, b.length);
            long id = r.i64();
            int status = r.u8();
            if (status > UNROUTABLE) {
                throw new WireException(DropReason.MALFORMED, "routed reply status " + status);
            }
            return new Reply(id, status, readPath(r), r.bytes(r.remaining()));
        }

        /** @return this reply one hop further back: the last node of the path removed */
        public Reply popped() {
            return new Reply(id, status, List.copyOf(path.subList(0, path.size() - 1)), body);
        }
    }

    private static List<UUID> readPath(WireReader r) throws WireException {
        int n = r.u8();
        if (n > MAX_HOPS + 1 || n * 16L > r.remaining()) {
            throw new WireException(DropReason.MALFORMED, "routed path of " + n + " nodes");
        }
        List<UUID> path = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            path.add(r.uuid());
        }
        return List.copyOf(path);
    }
}
