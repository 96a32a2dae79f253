package io.tamtam.internal.wire;

import java.util.List;
import java.util.UUID;

/**
 * A decoded packet.
 *
 * @param sender    the sending node's id
 * @param messages  its messages, in order
 * @param bodyBytes the length of its body as decoded (after decryption and decompression, with a tail
 *                  received apart), which its messages may hold: what a queue holding the packet counts
 */
public record Packet(UUID sender, List<Message> messages, int bodyBytes) {
}
