package io.tamtam.transfer;

import io.tamtam.TamTamException;

/**
 * How a transfer ended; both sides get one for every transfer.
 *
 * @param id               the transfer id
 * @param status           the end state
 * @param reason           why it failed or was cancelled; empty when completed
 * @param bytes            bytes in all
 * @param resumedBytes     bytes the receiver already held, from an earlier attempt or from before it restarted,
 *                         when it last accepted the transfer: they were not sent again
 * @param alreadyComplete  the receiver had completed this transfer id before: nothing was sent
 */
public record TransferResult(String id, Status status, String reason, long bytes, long resumedBytes,
                             boolean alreadyComplete) {

    /** End states. */
    public enum Status {
        /** Every part on the receiver's disk, the whole verified and delivered. */
        COMPLETED,
        /** Cancelled by either side or by its deadline. */
        CANCELLED,
        /** Failed: the reason says why (refused, unreachable, checksum, disk, ...). */
        FAILED
    }

    /** @return whether the transfer completed */
    public boolean completed() {
        return status == Status.COMPLETED;
    }

    /**
     * @return this result when completed
     * @throws TamTamException with the reason otherwise
     */
    public TransferResult orThrow() {
        if (status != Status.COMPLETED) {
            throw new TamTamException("transfer " + id + " " + status.name().toLowerCase(java.util.Locale.ROOT) + ": " + reason);
        }
        return this;
    }
}
