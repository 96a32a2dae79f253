package io.tamtam;

/** Base class of TamTam's exceptions; the message says what went wrong and what to do. */
public class TamTamException extends RuntimeException {
    /** @param message what went wrong and what to do */
    public TamTamException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and what to do
     * @param cause   the underlying failure
     */
    public TamTamException(String message, Throwable cause) {
        super(message, cause);
    }
}
