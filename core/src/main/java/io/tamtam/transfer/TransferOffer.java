package io.tamtam.transfer;

import java.util.UUID;

/**
 * A transfer offered to this node.
 *
 * @param id           the transfer id the sender chose
 * @param sender       the sending node
 * @param type         the transfer type
 * @param size         bytes in all
 * @param name         the sender's name for the content ({@link TransferOptions#name()})
 * @param resumedBytes bytes this node already holds from an earlier attempt
 */
public record TransferOffer(String id, UUID sender, TransferType type, long size, String name, long resumedBytes) {
}
