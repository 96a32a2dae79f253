package io.tamtam.internal.wire;

/** Constants of the wire format; PROTOCOL.md is their specification. */
public final class WireFormat {
    private WireFormat() {
    }

    /** First two bytes of every packet: "TT". */
    public static final int MAGIC = 0x5454;
    /** The wire format version this node writes and reads. */
    public static final int VERSION = 1;
    /** The protocol (behaviour) version this node announces. */
    public static final int PROTOCOL_VERSION = 1;
    /** The oldest protocol version this node clusters with. */
    public static final int PROTOCOL_VERSION_MIN = 1;
    /** magic(2) version(1) flags(1) type(1) sender(16). */
    public static final int HEADER_SIZE = 21;

    /** Flag: the body is compressed. */
    public static final int FLAG_COMPRESSED = 0x01;
    /** Flag: the body is encrypted. */
    public static final int FLAG_ENCRYPTED = 0x02;
    /** Flag: the header is followed by the cluster label, u8 length (1-255) then UTF-8 bytes. */
    public static final int FLAG_LABELED = 0x04;
    /** Longest cluster label, in UTF-8 bytes. */
    public static final int MAX_LABEL_BYTES = 255;
    /** Flags that are defined; any other bit set makes a packet malformed. */
    public static final int KNOWN_FLAGS = FLAG_COMPRESSED | FLAG_ENCRYPTED | FLAG_LABELED;

    /** Several messages in one packet. */
    public static final int COMPOUND = 0x00;
    /** Direct probe. */
    public static final int PING = 0x01;
    /** Indirect probe request. */
    public static final int PING_REQ = 0x02;
    /** Probe answer. */
    public static final int ACK = 0x03;
    /** Indirect probe failed. */
    public static final int NACK = 0x04;
    /** Node alive. */
    public static final int ALIVE = 0x05;
    /** Node suspected. */
    public static final int SUSPECT = 0x06;
    /** Node dead or left. */
    public static final int DEAD = 0x07;
    /** User broadcast. */
    public static final int BROADCAST = 0x08;
    /** Best-effort user message. */
    public static final int USER = 0x09;
    /** Full state exchange. */
    public static final int PUSH_PULL = 0x0A;
    /** Join or stream refused. */
    public static final int REFUSE = 0x0B;
    /** Reliable user message. */
    public static final int RELIABLE = 0x10;
    /** Reliable message acknowledgement. */
    public static final int RELIABLE_ACK = 0x11;
    /** Request. */
    public static final int REQUEST = 0x12;
    /** Reply. */
    public static final int REPLY = 0x13;
    /** Stream open. */
    public static final int STREAM_OPEN = 0x14;
    /** Stream accepted or refused. */
    public static final int STREAM_REPLY = 0x15;

    /** Transfer offer (or re-offer to resume). */
    public static final int TRANSFER_OFFER = 0x40;
    /** Transfer offer answered: accepted with the parts held, refused, or already complete. */
    public static final int TRANSFER_ACCEPT = 0x41;
    /** One part of a transfer. */
    public static final int TRANSFER_PART = 0x42;
    /** A part written to the receiver's disk. */
    public static final int TRANSFER_PART_ACK = 0x43;
    /** Every part acknowledged: the size and SHA-256 of the whole. */
    public static final int TRANSFER_END = 0x44;
    /** A transfer's end state (completed, failed, cancelled) or "unknown transfer". */
    public static final int TRANSFER_DONE = 0x45;

    /** An origin's range of recent broadcasts a member may ask it to send again. */
    public static final int BROADCAST_DIGEST = 0x46;
    /** Asks an origin to send some of its recent broadcasts again. */
    public static final int BROADCAST_REPAIR = 0x47;

    /** A broadcast sent again by its origin on request: delivered, not relayed. */
    public static final int BROADCAST_RESENT = 0x48;
    /** A user broadcast with a lifetime: relay passes left and a wall-clock deadline. */
    public static final int BROADCAST_TTL = 0x49;
    /** Most sequences in one BROADCAST_REPAIR. */
    public static final int MAX_REPAIR_SEQS = 1024;
    /** Keyring operation (install, use, remove, list a key). */
    public static final int KEY_OP = 0x18;
    /** Keyring operation answered, with the node's keys. */
    public static final int KEY_REPLY = 0x19;
    /** KEY_OP: add the key, to decrypt with. */
    public static final int KEY_OP_INSTALL = 1;
    /** KEY_OP: encrypt with the key (installed already). */
    public static final int KEY_OP_USE = 2;
    /** KEY_OP: forget the key (not the primary). */
    public static final int KEY_OP_REMOVE = 3;
    /** KEY_OP: change nothing, report the keys. */
    public static final int KEY_OP_LIST = 4;
    /** Longest key a KEY_OP carries. */
    public static final int MAX_KEY_SIZE = 64;
    /** Bytes of a key fingerprint: the first 8 bytes of the key's SHA-256. */
    public static final int KEY_FINGERPRINT_SIZE = 8;

    /** PUSH_PULL flag: a join. */
    public static final int PUSH_PULL_JOIN = 0x01;
    /** PUSH_PULL flag: a reply. */
    public static final int PUSH_PULL_REPLY = 0x02;
    /** PUSH_PULL flag: an application state blob follows the member list. */
    public static final int PUSH_PULL_APP_STATE = 0x04;

    /** Status: success. */
    public static final int STATUS_OK = 0;
    /** Status: the handler threw. */
    public static final int STATUS_HANDLER_ERROR = 1;
    /** Status: no handler for the type. */
    public static final int STATUS_NO_HANDLER = 2;
    /** Status: the payload could not be decoded. */
    public static final int STATUS_UNDECODABLE = 3;
    /** Status: the receiver is overloaded. */
    public static final int STATUS_OVERLOADED = 4;

    /** Bytes a compound packet adds per message: type(1) length(2). */
    public static final int COMPOUND_ITEM_OVERHEAD = 3;
    /** Most messages in one compound packet. */
    public static final int COMPOUND_MAX_ITEMS = 255;
}
