package io.tamtam.testkit;

import java.util.BitSet;

/**
 * Traffic from any node of {@code from} to any node of {@code to} is cut, by node index.
 *
 * @param from senders cut off
 * @param to   receivers they cannot reach
 */
record PartitionRule(BitSet from, BitSet to) {

    boolean blocks(int sender, int receiver) {
        return from.get(sender) && to.get(receiver);
    }
}
