package io.tamtam.transfer;

/** Receives a transfer's progress on the callback executor, at most every 200 ms and once at the end. */
@FunctionalInterface
public interface TransferListener {
    /** @param progress where the transfer stands */
    void progress(TransferProgress progress);
}
