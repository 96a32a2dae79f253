package io.tamtam.transfer;

/**
 * Receives the transfers of one type. Both methods run on the callback executor.
 */
public interface TransferHandler {
    /**
     * Chooses where an offered transfer goes. Called for a new transfer and again when one is resumed
     * after this node restarted.
     *
     * @param offer the offer
     * @return a file, a sink, or a refusal
     * @throws Exception refuses the transfer with the exception's message
     */
    TransferTarget accept(TransferOffer offer) throws Exception;

    /**
     * Called once for every end state of an accepted transfer: completed (the file is in place or the
     * sink returned), failed, or cancelled by either side.
     *
     * @param offer  the offer
     * @param result how it ended
     */
    default void ended(TransferOffer offer, TransferResult result) {
    }
}
