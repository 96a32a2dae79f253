package io.tamtam.internal.wire;

import java.util.List;
import java.util.UUID;

/**
 * A decoded packet.
 *
 * @param sender   the sending node's id
 * @param messages its messages, in order
 */
public record Packet(UUID sender, List<Message> messages) {
}
