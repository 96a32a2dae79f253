package io.tamtam;

/**
 * A message the cluster accepted could not be delivered: the node is dead or unknown, the message is
 * too large, the connection failed past its retries, the receiver did not acknowledge in time, or the
 * cluster was closed. The message says which.
 */
public final class DeliveryException extends TamTamException {
    /** @param message why delivery failed */
    public DeliveryException(String message) {
        super(message);
    }

    /**
     * @param message why delivery failed
     * @param cause   the underlying failure
     */
    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
