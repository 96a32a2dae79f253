package io.tamtam.transfer;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** One transfer in progress, outgoing or incoming. */
public interface Transfer {
    /** @return the transfer id */
    String id();

    /** @return the other node */
    UUID peer();

    /** @return whether this node sends it */
    boolean outgoing();

    /** @return where it stands now */
    TransferProgress progress();

    /**
     * Cancels the transfer and tells the other side; the partial content at the receiver is deleted.
     * Nothing happens once it ended.
     *
     * @param reason told to both sides
     */
    void cancel(String reason);

    /**
     * @return completes with the end state, whichever it is (it never completes exceptionally); see
     *         {@link TransferResult#orThrow()}
     */
    CompletableFuture<TransferResult> result();
}
