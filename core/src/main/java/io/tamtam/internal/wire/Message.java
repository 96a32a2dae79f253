package io.tamtam.internal.wire;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;

/**
 * The protocol's messages. Each record's wire layout is given in PROTOCOL.md under its type byte.
 */
public sealed interface Message {

    /** @return the type byte */
    int type();

    /** Direct probe. @param seq probe sequence @param target the node the prober means to reach */
    record Ping(int seq, UUID target) implements Message {
        public int type() { return WireFormat.PING; }
    }

    /**
     * Asks the receiver to probe {@code target} and relay the ack.
     *
     * @param seq           the requester's probe sequence, echoed in ACK or NACK
     * @param target        the node to probe
     * @param targetAddress where it listens
     * @param wantNack      whether to answer NACK when the target does not answer in time
     */
    record PingReq(int seq, UUID target, InetSocketAddress targetAddress, boolean wantNack) implements Message {
        public int type() { return WireFormat.PING_REQ; }
    }

    /** Answer to a probe. @param seq the probe sequence */
    record Ack(int seq) implements Message {
        public int type() { return WireFormat.ACK; }
    }

    /** An indirect prober could not reach the target. @param seq the probe sequence */
    record Nack(int seq) implements Message {
        public int type() { return WireFormat.NACK; }
    }

    /** A node is alive (joined, refuted or changed metadata). @param member the node */
    record Alive(MemberInfo member) implements Message {
        public int type() { return WireFormat.ALIVE; }
    }

    /**
     * A node is suspected.
     *
     * @param node        the suspect
     * @param incarnation its incarnation the suspicion is about
     * @param from        the node that suspects it
     */
    record Suspect(UUID node, long incarnation, UUID from) implements Message {
        public int type() { return WireFormat.SUSPECT; }
    }

    /**
     * A node is dead, or left when {@code from} equals {@code node}.
     *
     * @param node        the node
     * @param incarnation its incarnation
     * @param from        the node that declares it
     */
    record Dead(UUID node, long incarnation, UUID from) implements Message {
        public int type() { return WireFormat.DEAD; }
    }

    /**
     * A user broadcast, disseminated to every node.
     *
     * @param origin   the node that broadcast it
     * @param seq      unique per origin
     * @param userType the user message type
     * @param payload  the encoded payload
     */
    record Broadcast(UUID origin, long seq, int userType, byte[] payload) implements Message {
        public int type() { return WireFormat.BROADCAST; }
    }

    /** A best-effort user message to one node. @param userType the type @param payload the encoded payload */
    record User(int userType, byte[] payload) implements Message {
        public int type() { return WireFormat.USER; }
    }

    /**
     * Full state exchange.
     *
     * @param requestId correlates the reply with the request
     * @param flags     {@link WireFormat#PUSH_PULL_JOIN}, {@link WireFormat#PUSH_PULL_REPLY}; the
     *                  {@link WireFormat#PUSH_PULL_APP_STATE} bit is set exactly when {@code appState} is
     *                  not null, whatever was passed
     * @param members   every member the sender knows, itself included
     * @param appState  the sender's application state, or null when it sends none
     */
    record PushPull(int requestId, int flags, List<MemberInfo> members, byte[] appState) implements Message {
        /** Keeps the app-state flag bit in step with {@code appState}. */
        public PushPull {
            flags = appState != null ? flags | WireFormat.PUSH_PULL_APP_STATE : flags & ~WireFormat.PUSH_PULL_APP_STATE;
        }

        /**
         * A push-pull without application state.
         *
         * @param requestId correlates the reply with the request
         * @param flags     join or reply
         * @param members   every member the sender knows, itself included
         */
        public PushPull(int requestId, int flags, List<MemberInfo> members) {
            this(requestId, flags, members, null);
        }

        public int type() { return WireFormat.PUSH_PULL; }

        /** @return whether this is a join request */
        public boolean join() { return (flags & WireFormat.PUSH_PULL_JOIN) != 0; }

        /** @return whether this answers a request */
        public boolean reply() { return (flags & WireFormat.PUSH_PULL_REPLY) != 0; }
    }

    /** A join or stream was refused. @param requestId the request @param reason why */
    record Refuse(int requestId, String reason) implements Message {
        public int type() { return WireFormat.REFUSE; }
    }

    /**
     * A user message to be acknowledged once handled, and handled in the order it was sent.
     *
     * @param seq      identifies the message; echoed in its RELIABLE_ACK
     * @param lane     the sender's random id for its lane of messages to this receiver
     * @param order    the message's place in the lane, from 1 without gaps
     * @param userType the type
     * @param payload  the encoded payload
     */
    record Reliable(long seq, long lane, long order, int userType, byte[] payload) implements Message {
        public int type() { return WireFormat.RELIABLE; }
    }

    /**
     * Acknowledges a reliable message.
     *
     * @param seq    the message's sequence
     * @param status {@link WireFormat#STATUS_OK} or an error status
     * @param error  the error message, empty when OK
     */
    record ReliableAck(long seq, int status, String error) implements Message {
        public int type() { return WireFormat.RELIABLE_ACK; }
    }

    /**
     * A request expecting a reply.
     *
     * @param id       per-sender request id
     * @param userType the type
     * @param payload  the encoded request
     */
    record Request(long id, int userType, byte[] payload) implements Message {
        public int type() { return WireFormat.REQUEST; }
    }

    /**
     * The reply to a request.
     *
     * @param id     the request id
     * @param status {@link WireFormat#STATUS_OK} or an error status
     * @param body   the encoded reply, or the UTF-8 error message
     */
    record Reply(long id, int status, byte[] body) implements Message {
        public int type() { return WireFormat.REPLY; }
    }

    /**
     * Opens a stream of a user type (first packet on a dedicated stream).
     *
     * @param streamType the type
     * @param nonce      the opener's random session half; keys the stream's encryption with the acceptor's
     */
    record StreamOpen(int streamType, long nonce) implements Message {
        public int type() { return WireFormat.STREAM_OPEN; }
    }

    /**
     * Accepts or refuses a stream.
     *
     * @param status OK or an error status
     * @param error  why refused, empty when OK
     * @param nonce  the acceptor's random session half
     */
    record StreamReply(int status, String error, long nonce) implements Message {
        public int type() { return WireFormat.STREAM_REPLY; }
    }

    /**
     * Offers a transfer, or offers it again to resume it.
     *
     * @param id       the transfer's wire id: the name-based (type 3) UUID of {@code key}'s UTF-8 bytes
     * @param key      the transfer id the sender's application chose
     * @param userType the transfer type
     * @param size     bytes in all
     * @param partSize bytes per part (the last one may be shorter)
     * @param name     the sender's name for the content
     */
    record TransferOffer(UUID id, String key, int userType, long size, int partSize, String name) implements Message {
        public int type() { return WireFormat.TRANSFER_OFFER; }
    }

    /**
     * Answers an offer.
     *
     * @param id     the transfer id
     * @param status 0 accepted, 1 refused, 2 already complete
     * @param reason why refused, else empty
     * @param held   a bit per part (part i is bit i % 8 of byte i / 8) the receiver already holds
     */
    record TransferAccept(UUID id, int status, String reason, byte[] held) implements Message {
        public int type() { return WireFormat.TRANSFER_ACCEPT; }
    }

    /**
     * One part.
     *
     * @param id    the transfer id
     * @param index the part's index from 0
     * @param crc   CRC32C of {@code data}
     * @param data  the part's bytes
     */
    record TransferPart(UUID id, int index, int crc, byte[] data) implements Message {
        public int type() { return WireFormat.TRANSFER_PART; }
    }

    /** A part is on the receiver's disk. @param id the transfer id @param index the part */
    record TransferPartAck(UUID id, int index) implements Message {
        public int type() { return WireFormat.TRANSFER_PART_ACK; }
    }

    /**
     * Every part was acknowledged.
     *
     * @param id     the transfer id
     * @param size   bytes in all
     * @param sha256 SHA-256 of the whole content (32 bytes)
     */
    record TransferEnd(UUID id, long size, byte[] sha256) implements Message {
        public int type() { return WireFormat.TRANSFER_END; }
    }

    /**
     * A transfer's end state, from either side, or "unknown" from a receiver that holds no open state.
     *
     * @param id     the transfer id
     * @param status 0 completed, 1 failed, 2 cancelled, 3 unknown transfer (offer it again)
     * @param reason why, empty when completed
     */
    record TransferDone(UUID id, int status, String reason) implements Message {
        public int type() { return WireFormat.TRANSFER_DONE; }
    }

    /**
     * The sender's recent broadcasts: it can send again those with sequences from {@code lo} (inclusive)
     * to {@code hi} (exclusive) that the receiver lacks.
     *
     * @param lo the oldest sequence it keeps that the receiver may ask for
     * @param hi its next sequence
     */
    record BroadcastDigest(long lo, long hi) implements Message {
        public int type() { return WireFormat.BROADCAST_DIGEST; }
    }

    /**
     * Asks the receiver, the origin of those broadcasts, to send them again.
     *
     * @param seqs the sequences missing, at most {@link WireFormat#MAX_REPAIR_SEQS}
     */
    record BroadcastRepair(long[] seqs) implements Message {
        public int type() { return WireFormat.BROADCAST_REPAIR; }
    }

    /**
     * A broadcast its origin sends again to a member that asked for it: delivered if new, not relayed.
     * Fields as in {@link Broadcast}.
     *
     * @param origin   the node that broadcast it (the sender)
     * @param seq      its sequence
     * @param userType the user message type
     * @param payload  the encoded payload
     */
    record BroadcastResent(UUID origin, long seq, int userType, byte[] payload) implements Message {
        public int type() { return WireFormat.BROADCAST_RESENT; }
    }

    /**
     * A user broadcast with a lifetime.
     *
     * @param origin     the node that broadcast it
     * @param seq        unique per origin among its TTL broadcasts
     * @param userType   the user message type
     * @param passesLeft relays still allowed
     * @param expiresAt  wall-clock deadline, milliseconds since the epoch
     * @param payload    the encoded payload
     */
    record BroadcastTtl(UUID origin, long seq, int userType, int passesLeft, long expiresAt, byte[] payload) implements Message {
        public int type() { return WireFormat.BROADCAST_TTL; }
    }

    /**
     * A keyring operation for the receiver to apply to its own keys (PROTOCOL.md, "Deployment: keyring").
     *
     * @param requestId echoed in the reply
     * @param op        {@link WireFormat#KEY_OP_INSTALL}, USE, REMOVE or LIST
     * @param key       the key; empty for LIST
     */
    record KeyOp(int requestId, int op, byte[] key) implements Message {
        public int type() { return WireFormat.KEY_OP; }
    }

    /**
     * The answer to a {@link KeyOp}: whether it was applied, and the keys the node holds after it.
     *
     * @param requestId    the operation's
     * @param status       {@link WireFormat#STATUS_OK} or {@link WireFormat#STATUS_HANDLER_ERROR} (refused)
     * @param error        why refused, empty when OK
     * @param fingerprints the 8-byte fingerprints of the node's keys, the primary first
     */
    record KeyReply(int requestId, int status, String error, List<byte[]> fingerprints) implements Message {
        public int type() { return WireFormat.KEY_REPLY; }
    }
}
