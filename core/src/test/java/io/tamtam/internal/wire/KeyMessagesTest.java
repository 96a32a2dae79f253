package io.tamtam.internal.wire;

import io.tamtam.DropReason;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** KEY_OP and KEY_REPLY (PROTOCOL.md §16, "Keyring"): layout and refusals. */
class KeyMessagesTest {

    private static Message decode(byte[] item) throws WireException {
        return MessageCodec.read(item[0] & 0xFF, new WireReader(item, 1, item.length - 1));
    }

    private static DropReason refusal(byte[] item) {
        return assertThrows(WireException.class, () -> decode(item)).reason();
    }

    @Test
    void keyOpLayoutAndRoundTrip() throws Exception {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        byte[] item = PacketCodec.item(new Message.KeyOp(0x01020304, WireFormat.KEY_OP_USE, key));
        assertArrayEquals(new byte[] {0x18, 1, 2, 3, 4, 2, 0, 32}, Arrays.copyOf(item, 8));
        assertEquals(8 + 32, item.length);
        Message.KeyOp back = (Message.KeyOp) decode(item);
        assertEquals(0x01020304, back.requestId());
        assertEquals(WireFormat.KEY_OP_USE, back.op());
        assertArrayEquals(key, back.key());
    }

    @Test
    void keyReplyLayoutAndRoundTrip() throws Exception {
        byte[] f1 = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] f2 = {9, 9, 9, 9, 9, 9, 9, 9};
        byte[] item = PacketCodec.item(new Message.KeyReply(5, WireFormat.STATUS_OK, "", List.of(f1, f2)));
        assertEquals(1 + 4 + 1 + 2 + 1 + 16, item.length);
        Message.KeyReply back = (Message.KeyReply) decode(item);
        assertEquals(5, back.requestId());
        assertEquals(2, back.fingerprints().size());
        assertArrayEquals(f2, back.fingerprints().get(1));
    }

    @Test
    void anUnknownOperationALongKeyOrMissingFingerprintsAreRefused() {
        byte[] badOp = PacketCodec.item(new Message.KeyOp(1, WireFormat.KEY_OP_LIST, new byte[0]));
        badOp[5] = 9;
        assertEquals(DropReason.MALFORMED, refusal(badOp));
        assertEquals(DropReason.MALFORMED, refusal(PacketCodec.item(new Message.KeyOp(1, 1, new byte[65]))));
        byte[] cut = PacketCodec.item(new Message.KeyOp(1, 1, new byte[32]));
        assertEquals(DropReason.TRUNCATED, refusal(Arrays.copyOf(cut, cut.length - 1)));
        byte[] reply = PacketCodec.item(new Message.KeyReply(1, 0, "", List.of(new byte[8])));
        reply[reply.length - 9] = (byte) 200;   // claims 200 fingerprints, carries one
        assertEquals(DropReason.TRUNCATED, refusal(reply));
    }
}
