package io.tamtam.transfer;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Options of one transfer.
 *
 * @param id       the transfer id: sending again with the same id resumes where the receiver stands,
 *                 and is a no-op once the receiver completed it; a random one by default
 * @param name     a name for the content, given to the receiver's handler
 * @param deadline how long the transfer may take in all, or null for no limit; past it, it is cancelled
 *                 on both sides
 * @param listener progress, or null
 */
public record TransferOptions(String id, String name, Duration deadline, TransferListener listener) {
    /** Checks the fields. */
    public TransferOptions {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        if (id.isEmpty() || id.length() > 1024) {
            throw new IllegalArgumentException("transfer id must have 1 to 1024 characters");
        }
        if (name.length() > 1024) {
            throw new IllegalArgumentException("transfer name must have at most 1024 characters");
        }
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new IllegalArgumentException("deadline must be positive, or null for none");
        }
    }

    /** @return a random id, no name, no deadline, no listener */
    public static TransferOptions defaults() {
        return new TransferOptions(UUID.randomUUID().toString(), "", null, null);
    }

    /** @param v the id @return a copy with it */
    public TransferOptions withId(String v) {
        return new TransferOptions(v, name, deadline, listener);
    }

    /** @param v the name @return a copy with it */
    public TransferOptions withName(String v) {
        return new TransferOptions(id, v, deadline, listener);
    }

    /** @param v the deadline @return a copy with it */
    public TransferOptions withDeadline(Duration v) {
        return new TransferOptions(id, name, v, listener);
    }

    /** @param v the listener @return a copy with it */
    public TransferOptions withListener(TransferListener v) {
        return new TransferOptions(id, name, deadline, v);
    }
}
