package io.tamtam.transfer;

import io.tamtam.Cluster;

/**
 * A kind of transfer, shared by senders and the receiving handler.
 *
 * @param id from {@link Cluster#USER_TYPE_MIN} to {@link Cluster#USER_TYPE_MAX}; its own space, apart from
 *           message and stream types
 */
public record TransferType(int id) {
    /** Checks the range. */
    public TransferType {
        if (id < Cluster.USER_TYPE_MIN || id > Cluster.USER_TYPE_MAX) {
            throw new IllegalArgumentException("transfer type " + id + " is outside " + Cluster.USER_TYPE_MIN + ".."
                    + Cluster.USER_TYPE_MAX + "; pick a type id in that range");
        }
    }

    /**
     * @param id the type id
     * @return the type
     */
    public static TransferType of(int id) {
        return new TransferType(id);
    }
}
